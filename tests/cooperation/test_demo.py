"""The cooperation demo loads the partners, the textile group with a year of flows, and is idempotent."""

from __future__ import annotations

from essaim.cooperation.demo import TEXTILE_GROUP, load_demo
from essaim.cooperation.models import MaterialFlow, Resource, SupportOffer, WorkingGroup
from essaim.cooperation.selectors import group_indicators
from tests.territory_support import make_small_territory


def test_demo_is_complete_and_idempotent(db) -> None:
    make_small_territory()
    load_demo()
    counts = (SupportOffer.objects.count(), MaterialFlow.objects.count(), Resource.objects.count())
    load_demo()
    assert (SupportOffer.objects.count(), MaterialFlow.objects.count(), Resource.objects.count()) == counts
    group = WorkingGroup.objects.get(name=TEXTILE_GROUP)
    indicators = group_indicators(group)
    assert len(indicators.quarters) == 4
    assert group.members.count() >= 6
    assert set(Resource.objects.values_list("kind", flat=True)) == {"vehicule", "atelier"}
    partners = set(SupportOffer.objects.values_list("organisation__name", flat=True))
    assert {"Métropole du Grand Paris", "PLIE Avenir Initiatives", "ADEME Île-de-France"} <= partners

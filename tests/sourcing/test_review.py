"""Needs awaiting validation in the facilitators' review queue: validated or sent back, one by one or in bulk."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from essaim.core import review
from essaim.sourcing import services
from essaim.sourcing.models import Need
from tests.sourcing.factories import make_need

pytestmark = pytest.mark.django_db


@override_settings(SOURCING_REQUIRE_VALIDATION=True)
def test_needs_to_validate_are_decided_in_bulk_from_the_queue(world, client_as) -> None:
    needs = [make_need(world.buyer_org, title=f"Besoin {n}") for n in range(3)]
    for need in needs:
        services.need_submit(actor=None, need=need)
    assert "besoins" in [kind.slug for kind in review.kinds()]
    facilitator = client_as("facilitator")
    assert "Besoins à valider" in facilitator.get(reverse("core:review_queue")).content.decode()
    listing = facilitator.get(reverse("core:review_list", args=["besoins"])).content.decode()
    assert listing.count('type="checkbox" name="items"') == 3
    detail = facilitator.get(reverse("core:review_detail", args=["besoins", needs[0].pk])).content.decode()
    assert "Besoin 0" in detail and world.buyer_org.name in detail
    # Sending back needs a reason: refused item by item, nothing changes.
    facilitator.post(
        reverse("core:review_decide", args=["besoins"]), {"items": [needs[0].pk], "decision": "reject"}
    )
    assert Need.objects.get(pk=needs[0].pk).status == Need.Status.TO_VALIDATE
    facilitator.post(
        reverse("core:review_decide", args=["besoins"]),
        {"items": [needs[0].pk], "decision": "reject", "reason": "Précisez le lieu."},
    )
    assert Need.objects.get(pk=needs[0].pk).status == Need.Status.DRAFT
    facilitator.post(
        reverse("core:review_decide", args=["besoins"]),
        {"items": [needs[1].pk, needs[2].pk], "decision": "approve"},
    )
    assert {Need.objects.get(pk=n.pk).status for n in needs[1:]} == {Need.Status.PUBLISHED}
    assert client_as("buyer").get(reverse("core:review_list", args=["besoins"])).status_code == 403

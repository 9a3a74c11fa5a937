"""Published support offers and public working groups through the API (issue 16)."""

from __future__ import annotations

import pytest

from essaim.accounts.services import api_token_create
from essaim.cooperation.models import SupportOffer, WorkingGroup

pytestmark = pytest.mark.django_db


def test_published_offers_and_public_groups_only(client, world) -> None:
    _, raw = api_token_create(actor=None, organisation=world.buyer_org, name="Lecture")
    headers = {"Authorization": f"Bearer {raw}"}
    for title, published in (("Conseil sourcing", True), ("Offre en brouillon", False)):
        SupportOffer.objects.create(
            organisation=world.partner_org,
            title=title,
            description="Un accompagnement.",
            audience=SupportOffer.Audience.BOTH,
            topics=",sourcing,",
            how_to_access="Écrire à la CRESS.",
            is_published=published,
        )
    WorkingGroup.objects.create(name="Réemploi du Grand-Orly", purpose="Un PTCE du réemploi.")
    WorkingGroup.objects.create(name="Groupe privé", purpose="Entre membres.", is_private=True)
    offers = client.get("/api/v1/support-offers/", {"topic": "sourcing"}, headers=headers).json()
    assert [(o["title"], o["topics"]) for o in offers] == [("Conseil sourcing", ["sourcing"])]
    groups = client.get("/api/v1/working-groups/", headers=headers).json()
    assert [(g["name"], g["member_count"]) for g in groups] == [("Réemploi du Grand-Orly", 0)]
    assert client.get("/api/v1/working-groups/").status_code == 401

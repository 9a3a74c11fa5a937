"""The profile shows the contracts a structure won (insight) and, to its members only, partners' support offers."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from essaim.accounts.models import Organisation
from essaim.cooperation.models import SupportOffer
from essaim.directory.services import ActivityInput
from tests.cooperation.factories import make_offer

from .factories import MemberFactory, OrganisationFactory, make_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejoue(territory):
    organisation = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, name="Rejoué")
    structure = make_structure(
        "Rejoué",
        siret="73282932000074",
        commune="94081",
        inclusion_kinds=["ACI"],
        organisation=organisation,
        activities=[ActivityInput("jouets", ("fourniture",), ("epci:200058014",))],
    )
    partner = OrganisationFactory(kind=Organisation.Kind.PARTNER, name="CRESS Île-de-France")
    make_offer(
        partner,
        title="Répondre à un marché réservé",
        audience=SupportOffer.Audience.SUPPLIERS,
        topics=["reservation", "clauses-sociales"],
    )
    make_offer(
        partner, title="Former les acheteurs", audience=SupportOffer.Audience.BUYERS, topics=["sourcing"]
    )
    return structure


def test_members_see_support_offers_meant_for_structures(client, rejoue):
    url = reverse("directory:profile", args=[rejoue.pk])
    client.force_login(MemberFactory(organisation=rejoue.organisation))
    page = client.get(url).content.decode()
    assert "Espace de votre structure" in page
    assert "Répondre à un marché réservé" in page and "CRESS Île-de-France" in page
    assert "Former les acheteurs" not in page  # for buyers


@pytest.mark.parametrize("role", ["anonymous", "buyer", "supplier"])
def test_others_do_not_see_the_dashboard(client, rejoue, role):
    if role != "anonymous":
        client.force_login(MemberFactory(kind=role))
    page = client.get(reverse("directory:profile", args=[rejoue.pk])).content.decode()
    assert "Espace de votre structure" not in page and "Répondre à un marché réservé" not in page


def test_profile_lists_contracts_won_by_the_siren(client, rejoue, monkeypatch):
    asked = []
    contract = SimpleNamespace(
        notified_on=date(2025, 3, 14),
        buyer_name="Ville de Vitry-sur-Seine",
        object="Jouets de réemploi pour les crèches",
        id="2025-042",
        amount=18_500,
        has_social=True,
        has_environmental=False,
    )

    def fake(siren: str, limit: int = 10):
        asked.append(siren)
        return [contract], 1

    monkeypatch.setattr("essaim.insight.templatetags.insight_tags.contracts_won_by", fake)
    page = client.get(reverse("directory:profile", args=[rejoue.pk])).content.decode()
    assert asked == ["732829320"]
    assert "Marchés publics remportés" in page and "Jouets de réemploi pour les crèches" in page

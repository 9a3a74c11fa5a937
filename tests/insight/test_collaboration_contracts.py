"""From a meeting or a need to the public contract that followed: contracts proposed (same buyer SIREN, the
structure among the holders, notified after the start and within 18 months), confirmed by the buyer or a
facilitator, the amount then taken from the contract; who may do what; the figures per year."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.accounts.models import Organisation
from essaim.core.models import AuditLog
from essaim.insight import selectors
from essaim.sourcing import collaborations
from essaim.sourcing.collaborations import CollaborationSource, CollaborationStatus
from tests.directory.factories import make_structure
from tests.sourcing.factories import make_need
from tests.territory_support import make_small_territory

from .collaboration_support import PARIS, REJOUE, VITRY, make_followed, make_followed_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts_store(tmp_path, settings):
    settings.INSIGHT_DB = make_followed_store(tmp_path)


@pytest.fixture
def followed(world, contracts_store):
    return make_followed(world)


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).replace("\u202f", " ").replace("\u00a0", " ").split())


def _proposals(record):
    with selectors.open_store() as con:
        found = selectors.proposed_contracts(con, collaborations.contract_queries([record]))
    return [c.id for c in found.get(record.pk, [])]


def test_only_the_buyers_contract_held_by_the_structure_in_the_18_months_is_proposed(followed) -> None:
    assert collaborations.contract_window(followed) == (date(2025, 3, 10), date(2026, 9, 10))
    assert _proposals(followed) == ["F-1"]


def test_the_buyer_confirms_it_and_the_amount_comes_from_the_contract(client_as, followed, world) -> None:
    client = client_as("buyer")
    url = reverse("insight:collaboration", args=[followed.pk])
    page = _text(client.get(url))
    assert "Proposé : « Jouets des centres de loisirs », notifié le 1 juin 2025, 62 000 € HT" in page
    assert "Jeux de cour" in page  # the buyer's other contracts of the period, to link by hand
    response = client.post(url, {"marche": f"{VITRY}|F-1"})
    assert response.status_code == 302
    followed.refresh_from_db()
    assert (followed.contract_id, followed.contract_notified_on) == ("F-1", date(2025, 6, 1))
    assert followed.amount == followed.contract_amount == Decimal("62000.00")
    assert (
        followed.contract_linked_by == client_as.__self__
        if False
        else followed.contract_linked_by is not None
    )
    assert AuditLog.objects.filter(action="collaboration.contract_linked").count() == 1
    listing = _text(client.get(reverse("insight:collaborations")))
    assert "Marché notifié le 1 juin 2025 (62 000 €)" in listing


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (f"{VITRY}|F-2", "n'a pas été notifié entre le 10/03/2025 et le 10/09/2026"),
        (f"{VITRY}|F-3", "n'a pas été notifié entre"),
        ("21940041300015|F-5", "n'a pas été passé par l'acheteur"),
        (f"{VITRY}|nope", "Choisissez un marché de la liste"),
    ],
)
def test_a_contract_outside_the_rules_is_refused_in_french(client_as, followed, key, message) -> None:
    client = client_as("facilitator")
    response = client.post(reverse("insight:collaboration", args=[followed.pk]), {"marche": key}, follow=True)
    assert message in _text(response)
    followed.refresh_from_db()
    assert followed.contract_id == "" and followed.amount == Decimal("18000")


def test_a_facilitator_links_another_holders_contract_by_hand_and_unlinks_it(client_as, followed) -> None:
    client = client_as("facilitator")
    url = reverse("insight:collaboration", args=[followed.pk])
    client.post(url, {"marche": f"{VITRY}|F-4"})
    followed.refresh_from_db()
    assert followed.contract_id == "F-4" and followed.amount == Decimal("45000.00")
    client.post(url, {"action": "unlink"})
    followed.refresh_from_db()
    assert followed.contract_id == "" and followed.contract_amount is None


@pytest.mark.parametrize(
    ("role", "view", "link"),
    [
        ("facilitator", 200, 302),
        ("buyer", 200, 302),
        ("supplier", 200, 403),  # the supplier sees what followed, the buyer confirms
        ("other_buyer", 403, 403),
        ("partner", 403, 403),
    ],
)
def test_who_sees_and_who_confirms(client_as, followed, role, view, link) -> None:
    client = client_as(role)
    url = reverse("insight:collaboration", args=[followed.pk])
    assert client.get(url).status_code == view
    assert client.post(url, {"marche": f"{VITRY}|F-1"}).status_code == link
    followed.refresh_from_db()
    assert (followed.contract_id == "F-1") == (link == 302)


def test_each_organisation_lists_only_its_own_collaborations(client_as, followed, world) -> None:
    collaborations.collaboration_record(
        actor=None,
        buyer=world.other_buyer_org,
        supplier=world.partner_org,
        source=CollaborationSource.SOURCING,
        notes="Ivry",
    )
    mine = _text(client_as("buyer").get(reverse("insight:collaborations")))
    assert "1 marché proposé : à confirmer" in mine and "Ville d'Ivry-sur-Seine ×" not in mine
    assert "Ville d'Ivry-sur-Seine ×" in _text(
        client_as("facilitator").get(reverse("insight:collaborations"))
    )


def test_a_need_starts_the_window_at_its_publication(world, contracts_store) -> None:
    make_small_territory()
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    world.buyer_org.refresh_from_db()
    make_structure("Rejoué", siret=REJOUE, commune="94081", organisation=world.supplier_org)
    need = make_need(world.buyer_org, publish=True)
    type(need).objects.filter(pk=need.pk).update(published_at=datetime(2025, 1, 15, 10, tzinfo=PARIS))
    record = collaborations.collaboration_record(
        actor=None,
        buyer=world.buyer_org,
        supplier=world.supplier_org,
        source=CollaborationSource.SOURCING,
        status=CollaborationStatus.COLLABORATION,
        need_id=need.pk,
    )
    record = collaborations.collaborations_to_follow().get(pk=record.pk)
    assert collaborations.reference_date(record) == date(2025, 1, 15)
    assert _proposals(record) == ["F-2", "F-1"]


def test_figures_per_year_count_collaborations_and_notified_contracts(followed, world) -> None:
    _link_f1(followed)
    collaborations.collaboration_record(
        actor=None,
        buyer=world.buyer_org,
        supplier=world.partner_org,
        source=CollaborationSource.SOURCING,
        status=CollaborationStatus.COLLABORATION,
        date=date(2025, 5, 1),
    )
    rows = collaborations.outcomes_by_year(buyers=Organisation.objects.filter(pk=world.buyer_org.pk))
    assert [(r.year, r.source, r.collaborations, r.contracts, r.contract_amount) for r in rows] == [
        (2025, "evenement", 1, 1, Decimal("62000.00")),
        (2025, "sourcing", 1, 0, Decimal(0)),
    ]
    assert collaborations.outcomes_by_year(event_id=followed.meeting.event_id)[0].contracts == 1
    assert collaborations.outcomes_by_year(event_kind=followed.meeting.event.kind)[0].contracts == 1


def _link_f1(record) -> None:
    with selectors.open_store() as con:
        contract = selectors.contract_by_key(con, buyer_siret=VITRY, contract_id="F-1")
    assert contract is not None
    collaborations.collaboration_contract_link(
        actor=None,
        collaboration=record,
        buyer_siret=contract.buyer_siret,
        contract_id=contract.id,
        notified_on=contract.notified_on,
        amount=contract.amount,
    )


def test_the_matinale_public_page_says_what_meetings_led_to_year_by_year(client, followed) -> None:
    _link_f1(followed)
    page = _text(client.get(reverse("events:event_detail", args=[followed.meeting.event_id])))
    assert "1 rendez-vous sur 1 a abouti à une collaboration" in page
    assert "1 collaboration a conduit à un marché public notifié, pour 62 000 € HT" in page
    assert "Ce qu'ont donné les rendez-vous des éditions passées, année par année" in page
    assert "2025 1 1 1 62 000" in page


def test_the_spaser_report_counts_collaborations_and_contracts_per_year(client_as, followed) -> None:
    _link_f1(followed)
    url = reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025})
    page = _text(client_as("partner").get(url))
    assert (
        "Rendez-vous et besoins qui ont abouti à une collaboration, puis à un marché public notifié" in page
    )
    assert "2025 Rendez-vous d'un événement 1 1 62 000 €" in page
    download = client_as("partner").get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Collaborations et marchés qui ont suivi" in download

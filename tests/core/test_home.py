"""A person's home page lists what waits for them, newest first, each with the link of its action; the main
navigation shows how many items wait in each section (issue 12, item 3).

Each role gets real data written through the services; each action is followed and done through its page,
after which the item leaves the home page and the badge drops."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essaim.accounts.models import Organisation
from essaim.clauses import services as clauses
from essaim.clauses.progress import add_months, month_start
from essaim.cooperation import services as cooperation
from essaim.core import home
from essaim.directory import services as directory
from essaim.events import services as events
from essaim.events.models import MeetingRequest
from essaim.sourcing import services as sourcing
from essaim.sourcing.models import Need, NeedNotification
from tests.accounts.factories import MemberFactory, OrganisationFactory
from tests.clauses.factories import make_contract
from tests.cooperation.factories import make_group, make_resource, period
from tests.events.factories import meeting_event, register
from tests.sourcing.factories import make_need, make_toy_structure
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<h3 class="waiting-item__title">(?P<title>[^<]*)</h3>.*?'
    r'<a class="button button--small" href="(?P<url>[^"]*)">(?P<action>[^<]*)<span',
    re.S,
)


def items(client: Any) -> list[tuple[str, str, str]]:
    """(title, action, url) of each item of the home page, in its order."""
    page = client.get(reverse("core:dashboard")).content.decode()
    return [(m["title"].replace("&#x27;", "'"), m["action"], m["url"]) for m in ITEM.finditer(page)]


def url_of(client: Any, title: str) -> str:
    found = [url for item_title, _, url in items(client) if item_title == title]
    assert found, f"« {title} » is not on the home page: {items(client)}"
    return found[0]


def badges(client: Any, path: str = "/contact/") -> dict[str, str]:
    """Label -> count of the badges of the navigation, on any page."""
    page = client.get(path).content.decode()
    return {
        html.unescape(label): count
        for label, count in re.findall(r">([^<>]+) <span class=\"nav-badge\">(\d+)<", page)
    }


def published_need_for(world: Any, capture: Any, **fields: Any) -> Need:
    """A need of Vitry published and told to Rejoué's structure (the notification batch run at commit)."""
    with capture(execute=True):
        need = make_need(world.buyer_org, publish=True, **fields)
    assert NeedNotification.objects.filter(need=need, structure__organisation=world.supplier_org).exists()
    return need


@pytest.fixture
def rejoue(world: Any) -> Any:
    make_small_territory()
    return make_toy_structure("Rejoué", organisation=world.supplier_org, siret="73282932000074")


# --- supplier --------------------------------------------------------------------------------------------


def test_a_supplier_answers_a_need_a_meeting_request_a_booking_and_declares_hours_from_its_home(
    client_as, world, rejoue, django_capture_on_commit_callbacks
) -> None:
    need = published_need_for(world, django_capture_on_commit_callbacks)
    event = meeting_event(title="Matinale des achats responsables")
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    events.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=3)
    van = make_resource(world.supplier_org)
    cooperation.booking_request(
        actor=None, resource=van, organisation=world.partner_org, starts_at=period(3)[0], ends_at=period(3)[1]
    )
    today = timezone.localdate()
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        start=add_months(month_start(today), -1),
        end=add_months(today, 12),
    )
    last_month = date_format(add_months(month_start(today), -1), "F Y").capitalize()

    client = client_as("supplier")
    assert [(title, action) for title, action, _ in items(client)] == [  # newest first
        (f"CRESS Île-de-France demande à réserver « {van.title} »", "Accepter ou refuser"),
        ("Ville de Vitry-sur-Seine vous propose un rendez-vous", "Répondre"),
        (need.title, "Répondre"),
        (
            f"{last_month} — {contract.reference}, {contract.title}",
            "Déclarer les heures",
        ),  # due since the 1st
    ]
    assert badges(client) == {
        "Tableau de bord": "4",
        "Besoins": "1",
        "Événements": "1",
        "Coopération": "1",
        "Clauses sociales": "1",
    }

    # Answer the need from its link
    answer_url = url_of(client, need.title)
    assert client.get(answer_url).status_code == 200
    client.post(answer_url, {"kind": "interesse", "question_0": "15 jours", "question_1": "EN 71"})
    # Answer the meeting request
    profile_url = url_of(client, "Ville de Vitry-sur-Seine vous propose un rendez-vous")
    assert profile_url == reverse("events:meeting_profile", args=[supplier.pk])
    assert "Demandes reçues" in client.get(profile_url).content.decode()
    request = MeetingRequest.objects.get(recipient=supplier)
    client.post(reverse("events:meeting_request_decide", args=[request.pk, "accepter"]))
    # Accept the booking
    booking_url = url_of(client, f"CRESS Île-de-France demande à réserver « {van.title} »")
    assert "Accepter la réservation" in client.get(booking_url).content.decode()
    booking = van.bookings.get()
    assert booking_url == reverse("cooperation:booking_detail", args=[booking.pk])
    client.post(reverse("cooperation:booking_decide", args=[booking.pk]), {"decision": "accepter"})
    # Declare last month's hours (nobody worked on the clause)
    declare_url = url_of(client, f"{last_month} — {contract.reference}, {contract.title}")
    assert client.get(declare_url).status_code == 200
    client.post(declare_url, {})

    assert items(client) == []
    assert badges(client) == {}
    assert "Rien ne vous attend pour l'instant." in client.get(reverse("core:dashboard")).content.decode()


def test_a_supplier_sees_neither_the_needs_it_answered_nor_those_past_their_deadline(
    client_as, world, rejoue, django_capture_on_commit_callbacks
) -> None:
    answered = published_need_for(world, django_capture_on_commit_callbacks, title="Jouets pour les crèches")
    sourcing.answer_record(
        actor=None, need=answered, organisation=world.supplier_org, kind="pas-interesse", reason="Trop loin"
    )
    late = published_need_for(world, django_capture_on_commit_callbacks, title="Jeux pour les écoles")
    Need.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    asked = published_need_for(world, django_capture_on_commit_callbacks, title="Ludothèque mobile")
    sourcing.answer_record(
        actor=None, need=asked, organisation=world.supplier_org, kind="question", message="?"
    )
    assert [title for title, _, _ in items(client_as("supplier"))] == ["Ludothèque mobile"]


# --- buyer -----------------------------------------------------------------------------------------------


def test_a_buyer_reads_answers_publishes_a_draft_closes_a_need_and_answers_a_meeting_request(
    client_as, world, rejoue, django_capture_on_commit_callbacks
) -> None:
    need = published_need_for(world, django_capture_on_commit_callbacks, title="Jouets pour les crèches")
    sourcing.answer_record(
        actor=None,
        need=need,
        organisation=world.supplier_org,
        kind="interesse",
        answers=["15 jours", "EN 71"],
    )
    draft = make_need(world.buyer_org, title="Entretien des espaces verts")
    over = make_need(world.buyer_org, publish=True, title="Traiteur de la matinale")
    Need.objects.filter(pk=over.pk).update(deadline=timezone.localdate() - timedelta(days=2))
    event = meeting_event()
    partner = register(event, world.users["partner"], organisation=world.partner_org)
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    events.meeting_request_create(actor=None, requester=partner, recipient=buyer, priority=2)
    make_need(world.other_buyer_org, title="Brouillon d'Ivry")  # another buyer's: never shown

    client = client_as("buyer")
    titles = {title: (action, url) for title, action, url in items(client)}
    assert set(titles) == {
        "Rejoué est intéressé par « Jouets pour les crèches »",
        "Entretien des espaces verts",
        "Traiteur de la matinale",
        "CRESS Île-de-France vous propose un rendez-vous",
    }
    assert badges(client)["Besoins"] == "3" and badges(client)["Événements"] == "1"

    action, url = titles["Rejoué est intéressé par « Jouets pour les crèches »"]
    assert action == "Lire la réponse" and "Rejoué" in client.get(url).content.decode()
    action, url = titles["Entretien des espaces verts"]
    assert (action, url) == ("Relire et publier", reverse("sourcing:need_detail", args=[draft.pk]))
    client.post(reverse("sourcing:need_action", args=[draft.pk]), {"action": "submit"})
    action, url = titles["Traiteur de la matinale"]
    assert action == "Clore le besoin" and client.get(url).status_code == 200
    client.post(url, {"outcome": "infructueux"})
    request = MeetingRequest.objects.get(recipient=buyer)
    client.post(reverse("events:meeting_request_decide", args=[request.pk, "refuser"]))

    assert [title for title, _, _ in items(client)] == [
        "Rejoué est intéressé par « Jouets pour les crèches »"
    ]
    assert Need.objects.get(pk=draft.pk).status == Need.Status.PUBLISHED
    assert Need.objects.get(pk=over.pk).status == Need.Status.CLOSED


# --- facilitator -----------------------------------------------------------------------------------------


@override_settings(SOURCING_REQUIRE_VALIDATION=True)
def test_a_facilitator_validates_a_need_reviews_a_claim_schedules_an_event_and_validates_hours(
    client_as, world, rejoue
) -> None:
    need = make_need(world.buyer_org, title="Collecte des biodéchets")
    sourcing.need_submit(actor=None, need=need)
    newcomer = MemberFactory(
        email="nouvelle@rejoue.fr", full_name="Inès Martin", kind=Organisation.Kind.PARTNER
    )
    directory.claim_request(user=newcomer, siret=rejoue.siret)
    event = meeting_event(title="Rencontre de la filière textile")
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    request = events.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=3)
    events.meeting_request_decide(actor=None, request=request, accept=True)
    today = timezone.localdate()
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        start=add_months(month_start(today), -1),
        end=add_months(today, 6),
    )
    clauses.statement_submit(
        actor=None, contract=contract, month=add_months(month_start(today), -1), lines=[], channel="compte"
    )

    client = client_as("facilitator")
    titles = {title: (action, url) for title, action, url in items(client)}
    month = date_format(add_months(month_start(today), -1), "F Y").capitalize()
    assert set(titles) == {
        "Collecte des biodéchets",
        "Rejoué",  # the claim, from the review queue
        "« Rencontre de la filière textile » : 1 rendez-vous accepté",
        f"{month} — {contract.reference}, Rejoué",
    }
    assert badges(client) == {
        "Tableau de bord": "4",
        "Besoins": "1",
        "Événements": "1",
        "Clauses sociales": "1",
    }

    assert titles["Collecte des biodéchets"][0] == "Relire et valider"
    client.post(reverse("sourcing:need_action", args=[need.pk]), {"action": "validate"})
    claim = rejoue.claims.get()
    action, url = titles["Rejoué"]
    assert (action, url) == ("Examiner", reverse("core:review_detail", args=["rattachements", claim.pk]))
    assert "Inès Martin" in client.get(url).content.decode()
    client.post(
        reverse("core:review_decide", args=["rattachements"]), {"items": [claim.pk], "decision": "approve"}
    )
    action, url = titles["« Rencontre de la filière textile » : 1 rendez-vous accepté"]
    assert (action, url) == ("Planifier", reverse("events:meetings_manage", args=[event.pk]))
    client.post(reverse("events:schedule_run", args=[event.pk]))
    client.post(reverse("events:agendas_publish", args=[event.pk]))
    action, url = titles[f"{month} — {contract.reference}, Rejoué"]
    assert action == "Relire et valider" and client.get(url).status_code == 200
    client.post(reverse("clauses:statement_validate", args=[contract.statements.get().pk]))

    assert items(client) == []
    assert badges(client) == {}


def test_the_administrator_of_a_structure_examines_the_requests_to_manage_its_profile(
    client_as, world, rejoue
) -> None:
    newcomer = MemberFactory(email="nouvelle@exemple.fr", full_name="Inès Martin")
    directory.claim_request(user=newcomer, siret=rejoue.siret)
    title = "Inès Martin demande à gérer la fiche de Rejoué"
    assert [(t, action) for t, action, _ in items(client_as("supplier"))] == [(title, "Examiner la demande")]
    assert "Inès Martin" in client_as("supplier").get(url_of(client_as("supplier"), title)).content.decode()


def test_facilitators_items_are_for_the_territory_team_only(client_as, world) -> None:
    need = make_need(world.buyer_org, title="Collecte des biodéchets")
    with override_settings(SOURCING_REQUIRE_VALIDATION=True):
        sourcing.need_submit(actor=None, need=need)
    for role in ("buyer", "supplier", "partner"):
        assert items(client_as(role)) == [], role


# --- partner ---------------------------------------------------------------------------------------------


def test_a_partner_decides_a_join_request_a_booking_and_a_meeting_request(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    group = make_group(coordinator=world.partner_org, name="Filière textile")
    cooperation.group_join(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        member_type="structure-ess",
        message="Bonjour",
    )
    room = make_resource(world.partner_org, kind="locaux", title="Salle de réunion")
    start, end = period(5)
    cooperation.booking_request(
        actor=None, resource=room, organisation=world.buyer_org, starts_at=start, ends_at=end
    )
    event = meeting_event()
    partner = register(event, world.users["partner"], organisation=world.partner_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    events.meeting_request_create(actor=None, requester=supplier, recipient=partner, priority=1)

    client = client_as("partner")
    titles = {title: (action, url) for title, action, url in items(client)}
    assert set(titles) == {
        "Rejoué demande à rejoindre « Filière textile »",
        "Ville de Vitry-sur-Seine demande à réserver « Salle de réunion »",
        "Rejoué vous propose un rendez-vous",
    }
    assert badges(client) == {"Tableau de bord": "3", "Événements": "1", "Coopération": "2"}
    action, url = titles["Rejoué demande à rejoindre « Filière textile »"]
    assert action == "Accepter ou refuser" and "Rejoué" in client.get(url).content.decode()
    member = group.members.get(organisation=world.supplier_org)
    with django_capture_on_commit_callbacks(execute=True):  # the counts are told after the commit
        client.post(reverse("cooperation:member_decide", args=[member.pk]), {"decision": "accepter"})
    assert badges(client) == {"Tableau de bord": "2", "Événements": "1", "Coopération": "1"}


# --- the next event --------------------------------------------------------------------------------------


def test_the_home_shows_the_next_event_registered_for_else_the_next_open_one(client_as, world) -> None:
    later = meeting_event(title="Salon de l'achat responsable", starts_at=timezone.now() + timedelta(days=40))
    meeting_event(title="Matinale de printemps", starts_at=timezone.now() + timedelta(days=20))
    client = client_as("supplier")
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Matinale de printemps" in page and "Voir l&#x27;événement et s&#x27;inscrire" in page
    register(later, world.users["supplier"], organisation=world.supplier_org)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Salon de l&#x27;achat responsable" in page and "Votre inscription : confirmée." in page


# --- queries and the cached badges -----------------------------------------------------------------------


def _supplier_world(world: Any, copies: int) -> None:
    event = meeting_event()
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    van = make_resource(world.supplier_org)
    group = make_group(coordinator=world.supplier_org, name=f"Groupe {copies}")
    today = timezone.localdate()
    for index in range(copies):
        buyer_org = OrganisationFactory(kind=Organisation.Kind.BUYER, name=f"Ville {copies}-{index}")
        person = MemberFactory(organisation=buyer_org)
        buyer = register(event, person, organisation=buyer_org)
        events.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
        start, end = period(index + 2)
        cooperation.booking_request(
            actor=None, resource=van, organisation=buyer_org, starts_at=start, ends_at=end
        )
        cooperation.group_join(actor=None, group=group, organisation=buyer_org, member_type="collectivite")
        make_contract(
            buyer_org,
            world.supplier_org,
            reference=f"Q-{copies}-{index}",
            start=add_months(month_start(today), -2),
            end=add_months(today, 6),
        )


def test_the_home_page_reads_a_fixed_number_of_queries_whatever_waits(client_as, world, rejoue) -> None:
    client = client_as("supplier")

    def queries() -> int:
        client.get(reverse("core:dashboard"))  # warm the session
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("core:dashboard"))
        return len(captured)

    _supplier_world(world, 1)
    few, shown_few = queries(), len(items(client))
    _supplier_world(world, 6)
    many, shown_many = queries(), len(items(client))
    assert shown_many > shown_few >= 4
    assert many == few


def test_the_badges_are_read_from_the_cache_until_something_changes(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    event = meeting_event()
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("supplier")
    assert badges(client) == {}
    with CaptureQueriesContext(connection) as captured:
        badges(client)
    assert not [q for q in captured if "meetingrequest" in q["sql"]]  # no provider ran: the count is cached

    with django_capture_on_commit_callbacks(execute=True):
        events.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
    assert badges(client) == {"Tableau de bord": "1", "Événements": "1"}  # the service said it changed
    assert badges(client_as("buyer")) == {}


def test_waiting_changed_waits_for_the_commit(world, django_capture_on_commit_callbacks) -> None:
    viewer = home.viewer_of(world.users["supplier"])
    assert home.waiting_counts(viewer).total == 0
    event = meeting_event()
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
    assert home.waiting_counts(viewer).total == 0  # not committed yet: the cached count stands
    for callback in callbacks:
        callback()
    assert home.waiting_counts(viewer).total == 1

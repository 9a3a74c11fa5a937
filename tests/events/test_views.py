"""Pages of the events capability: what each person sees and can do."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from essaim.accounts.services import membership_add
from essaim.events import services
from essaim.events.models import Meeting, Registration, Stand
from essaim.events.views.meeting_planning_pages import schedule_quality
from tests.events.factories import meeting_event, register
from tests.pdf_support import assert_tagged_pdf

pytestmark = pytest.mark.django_db


def test_registering_from_the_page_confirms_and_shows_the_registration(client_as, world):
    event = meeting_event()
    client = client_as("buyer_admin")
    response = client.post(
        reverse("events:event_register", args=[event.pk]),
        {"organisation": world.buyer_org.pk, "role": "acheteur"},
    )
    registration = Registration.objects.get(event=event, user=world.users["buyer_admin"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "events:registration_detail", args=[registration.pk]
    )
    assert registration.status == Registration.Status.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert "Confirmée" in page and "Annuler l'inscription" in page


def test_an_smtp_outage_does_not_break_a_registration_and_the_email_goes_out_on_retry(
    client_as, world, flaky_smtp, django_capture_on_commit_callbacks
):
    event = meeting_event()
    flaky_smtp.failures = 1  # the SMTP server is down at the moment of the registration
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("buyer_admin").post(
            reverse("events:event_register", args=[event.pk]),
            {"organisation": world.buyer_org.pk, "role": "acheteur"},
        )
    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=world.users["buyer_admin"]).status == "confirmee"
    assert flaky_smtp.tries == 2
    [message] = mail.outbox
    assert message.to == [world.users["buyer_admin"].email] and message.attachments[0][0] == "invitation.ics"


def test_a_wrong_role_is_shown_next_to_the_field(client_as, world):
    """A person in a buyer and a supplier organisation is offered both roles; the supplier organisation
    with the buyer's role is refused by the service, next to the role field."""
    event = meeting_event()
    person = world.users["supplier"]
    membership_add(actor=None, organisation=world.other_buyer_org, user=person, role="member")
    response = client_as("supplier").post(
        reverse("events:event_register", args=[event.pk]),
        {"organisation": world.supplier_org.pk, "role": "acheteur"},
    )
    assert response.status_code == 400
    assert "ne peut pas s&#x27;inscrire" in response.content.decode()
    assert not Registration.objects.exists()


def test_cancel_link_works_without_logging_in_and_get_does_not_cancel(client, world):
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    url = reverse("events:registration_cancel", args=[services.registration_cancel_token(registration)])
    assert client.get(url).status_code == 200
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED
    client.post(url)
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CANCELLED
    assert client.get(reverse("events:registration_cancel", args=["faux-jeton"])).status_code == 400


def test_public_exhibitors_page_filters_by_text_and_sector(client, world):
    from essaim.directory.models import Sector

    event = meeting_event()
    culture = Sector.objects.create(slug="culture-test", name="Culture et événementiel")
    food = Sector.objects.create(slug="alimentation-test", name="Alimentation")
    stand = Stand.objects.create(event=event, name="Ressourcerie du spectacle", location="A1", pitch="Décors")
    stand.sectors.add(culture)
    Stand.objects.create(event=event, name="Les Imparfaites", location="B2").sectors.add(food)
    url = reverse("events:exhibitors", args=[event.pk])
    assert "Les Imparfaites" in client.get(url).content.decode()
    by_sector = client.get(url, {"secteur": "culture-test"}).content.decode()
    assert "Ressourcerie du spectacle" in by_sector and "Les Imparfaites" not in by_sector
    by_text = client.get(url, {"q": "imparf"}).content.decode()
    assert "Les Imparfaites" in by_text and "Ressourcerie" not in by_text


def test_badge_has_a_qr_code_and_a_pdf(client_as, world):
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("buyer")
    page = client.get(reverse("events:registration_badge", args=[registration.pk])).content.decode()
    assert 'src="data:image/svg+xml' in page
    pdf = client.get(reverse("events:registration_badge", args=[registration.pk]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert_tagged_pdf(pdf.content, "Badge — ")


def test_scanning_a_badge_opens_the_check_in_page_and_one_click_records_the_arrival(client_as, world):
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("facilitator")
    token = services.registration_check_in_token(registration)
    page = client.get(reverse("events:checkin_scan", args=[token]))
    assert page.status_code == 200 and Registration.objects.get(pk=registration.pk).checked_in_at is None
    client.post(reverse("events:checkin_mark", args=[registration.pk]))
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None
    search = client.get(reverse("events:checkin", args=[event.pk]), {"q": "acheteur@"}).content.decode()
    assert "Arrivé à" in search


def test_agenda_page_pdf_and_ics_after_publication(client_as, world):
    event = meeting_event()
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    request = services.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=3)
    client = client_as("buyer")
    url = reverse("events:agenda", args=[buyer.pk])
    assert "pas encore publiés" in client.get(url).content.decode()
    services.meeting_request_decide(actor=None, request=request, accept=True)
    services.schedule_run(actor=None, event=event, time_limit=5)
    services.agendas_publish(actor=None, event=event)
    page = client.get(url).content.decode()
    assert "Rejoué" in page and "Table 1" in page
    calendar = Calendar.from_ical(client.get(url, {"format": "ics"}).content)
    assert len(calendar.walk("VEVENT")) == 1
    assert_tagged_pdf(client.get(url, {"format": "pdf"}).content, "Agenda — ")


def test_facilitator_runs_the_scheduler_from_the_page(client_as, world):
    event = meeting_event()
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    services.meeting_force(actor=None, requester=buyer, recipient=supplier)
    client = client_as("facilitator")
    response = client.post(reverse("events:schedule_run", args=[event.pk]), follow=True)
    page = html.unescape(response.content.decode())
    assert (
        "Planning calculé (le meilleur possible) : 1 rendez-vous pour 1 demande acceptée, 0 temps mort."
        in page
    )
    assert "1 rendez-vous placé pour 1 demande acceptée, le meilleur planning possible" in page
    assert not re.search(r"borne|prouvé|réalisable|poids", page)  # the solver's words, not the user's
    assert Meeting.objects.filter(event=event).count() == 1
    plan = client.get(reverse("events:table_plan", args=[event.pk])).content.decode()
    assert "Ville de Vitry-sur-Seine × Rejoué" in plan or "Rejoué × Ville de Vitry-sur-Seine" in plan


def test_event_page_counts_meetings_that_led_to_collaborations(client, world, django_assert_max_num_queries):
    event = meeting_event(starts_at=timezone.now() - timedelta(days=2))
    buyer = Registration.objects.create(
        event=event,
        user=world.users["buyer"],
        organisation=world.buyer_org,
        role="acheteur",
        status="confirmee",
    )
    supplier = Registration.objects.create(
        event=event,
        user=world.users["supplier"],
        organisation=world.supplier_org,
        role="fournisseur",
        status="confirmee",
    )
    meeting = Meeting.objects.create(event=event, a=buyer, b=supplier, slot=0, table=1)
    services.meeting_outcome_set(actor=world.users["buyer"], meeting=meeting, outcome="collaboration")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert "<strong>1</strong> rendez-vous sur 1 a abouti à une collaboration" in page


def test_an_event_ahead_shows_its_planned_meetings_never_their_outcomes(client, world) -> None:
    event = meeting_event(starts_at=timezone.now() + timedelta(days=20))
    buyer, supplier = (
        Registration.objects.create(
            event=event, user=world.users[role], organisation=org, role=kind, status="confirmee"
        )
        for role, org, kind in (
            ("buyer", world.buyer_org, "acheteur"),
            ("supplier", world.supplier_org, "fournisseur"),
        )
    )
    Meeting.objects.create(event=event, a=buyer, b=supplier, slot=0, table=1)
    page = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert "<strong>1</strong> rendez-vous planifié." in page
    assert "abouti" not in page


def test_participants_can_browse_and_request_but_outsiders_cannot(client_as, world):
    event = meeting_event()
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    services.meeting_profile_update(
        actor=None,
        registration=supplier,
        offer="Jouets recyclés pour les crèches",
        seek="",
        available_slots=[0, 1],
    )
    client = client_as("buyer")
    page = client.get(reverse("events:participants", args=[event.pk])).content.decode()
    assert "Jouets recyclés pour les crèches" in page
    client.post(reverse("events:meeting_request_create", args=[buyer.pk, supplier.pk]), {"priority": 3})
    assert supplier.requests_received.get().priority == 3
    assert page.count("Demander un rendez-vous") == 1
    page = html.unescape(client.get(reverse("events:participants", args=[event.pk])).content.decode())
    assert "Demander un rendez-vous" not in page and "Votre demande : en attente de réponse." in page
    # The supplier, asked already, is offered to answer, never to ask again.
    page = html.unescape(
        client_as("supplier").get(reverse("events:participants", args=[event.pk])).content.decode()
    )
    assert "Demander un rendez-vous" not in page and "Répondre à sa demande" in page
    assert reverse("events:meeting_profile", args=[supplier.pk]) in page
    assert client_as("other_buyer").get(reverse("events:participants", args=[event.pk])).status_code == 403


@pytest.mark.parametrize(
    ("report", "quality"),
    [
        (None, None),
        ({}, None),
        ({"satisfied_weight": 5, "upper_bound": 0}, None),
        ({"satisfied_weight": 97, "upper_bound": 100}, 97),
        ({"satisfied_weight": 299, "upper_bound": 300}, 99),
    ],
)
def test_schedule_quality_is_never_rounded_up(report, quality) -> None:
    assert schedule_quality(report) == quality

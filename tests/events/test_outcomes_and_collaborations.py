"""After the event: the outcome form records status, amount and notes; the collaborations page lists them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from essaim.accounts.models import Organisation
from essaim.events import services
from essaim.events.models import Meeting
from essaim.sourcing.models import Collaboration
from tests.accounts.factories import MemberFactory
from tests.events.factories import meeting_event, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_meetings(world):
    """A published event that took place: the buyer met the supplier, and another buyer met a 3rd supplier."""
    event = meeting_event(title="Matinale des achats socialement responsables")
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    other_buyer = register(event, world.users["other_buyer"], organisation=world.other_buyer_org)
    third = register(event, MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True))
    mine = Meeting.objects.create(event=event, a=buyer, b=supplier, slot=0, table=1)
    theirs = Meeting.objects.create(event=event, a=other_buyer, b=third, slot=0, table=2)
    event.starts_at = timezone.now() - timedelta(days=1)
    event.agendas_published_at = event.starts_at - timedelta(days=2)
    event.is_published = True
    event.save()
    return event, buyer, mine, theirs


def test_the_outcome_form_records_the_amount_and_the_notes(client_as, past_meetings):
    event, buyer, mine, _ = past_meetings
    client = client_as("buyer")
    page = client.get(reverse("events:agenda", args=[buyer.pk])).content.decode()
    assert 'name="amount"' in page and 'name="notes"' in page
    response = client.post(
        reverse("events:meeting_outcome", args=[mine.pk]),
        {"outcome": "collaboration", "amount": "12500.50", "notes": "Tenues de travail en réemploi"},
    )
    assert response["Location"] == reverse("events:agenda", args=[buyer.pk])
    record = Collaboration.objects.get(meeting=mine)
    assert (record.status, record.amount, record.notes) == (
        "collaboration",
        Decimal("12500.50"),
        "Tenues de travail en réemploi",
    )
    page = client.get(response["Location"]).content.decode()
    assert 'value="12500.50"' in page and "Tenues de travail en réemploi</textarea>" in page


def test_a_negative_amount_is_refused(client_as, past_meetings):
    _, _, mine, _ = past_meetings
    client_as("supplier").post(
        reverse("events:meeting_outcome", args=[mine.pk]), {"outcome": "collaboration", "amount": "-5"}
    )
    assert not Collaboration.objects.filter(meeting=mine).exists()


def _record_both(past_meetings):
    event, _, mine, theirs = past_meetings
    services.meeting_outcome_set(actor=None, meeting=mine, outcome="collaboration", amount=Decimal("12500"))
    services.meeting_outcome_set(actor=None, meeting=theirs, outcome="a-suivre", notes="Devis à envoyer")
    return event


def test_facilitators_see_all_the_collaborations_of_the_event(client_as, past_meetings, world):
    event = _record_both(past_meetings)
    page = client_as("facilitator").get(reverse("events:collaborations", args=[event.pk])).content.decode()
    assert escape(world.buyer_org.name) in page and escape(world.other_buyer_org.name) in page
    assert "Devis à envoyer" in page and "<strong>1</strong> collaboration sur 2" in page


@pytest.mark.parametrize(
    ("role", "sees_mine", "sees_theirs"),
    [
        ("buyer", True, False),
        ("supplier", True, False),
        ("other_buyer", False, True),
        ("partner", False, False),
    ],
)
def test_each_organisation_sees_only_its_own_collaborations(
    client_as, past_meetings, role, sees_mine, sees_theirs
):
    event = _record_both(past_meetings)
    page = client_as(role).get(reverse("events:collaborations", args=[event.pk])).content.decode()
    assert ("<td>Rejoué</td>" in page) is sees_mine
    assert ("Devis à envoyer" in page) is sees_theirs

"""The demo: the matinale with stands, registrations, accepted requests, a published schedule; idempotent."""

from __future__ import annotations

import pytest

from essaim.accounts.demo import load_demo_people
from essaim.events.demo import MATINALE, TEXTILE, load_demo
from essaim.events.models import Event, Meeting, MeetingRequest, Registration

pytestmark = pytest.mark.django_db


def test_demo_builds_the_matinale_and_the_textile_meeting_once() -> None:
    load_demo_people()
    load_demo()
    matinale = Event.objects.get(title=MATINALE)
    assert matinale.stands.filter(name__icontains="Ressourcerie du spectacle").exists()
    assert Registration.objects.confirmed().filter(event=matinale, role="acheteur").count() == 3
    assert Registration.objects.confirmed().filter(event=matinale, role="fournisseur").count() >= 6
    assert MeetingRequest.objects.filter(event=matinale, status="acceptee").count() >= 9
    assert Meeting.objects.filter(event=matinale).count() >= 9
    assert matinale.agendas_published_at is not None
    assert matinale.schedule_report["status"] == "optimal"
    assert Event.objects.get(title=TEXTILE).programme.count() == 4
    counts = (Event.objects.count(), Registration.objects.count(), Meeting.objects.count())
    load_demo()
    assert (Event.objects.count(), Registration.objects.count(), Meeting.objects.count()) == counts

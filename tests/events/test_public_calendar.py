"""The territory's public agenda (issue 16): the events page as `.ics`, published upcoming events only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def test_public_agenda_lists_published_upcoming_events_for_anyone(client) -> None:
    upcoming = EventFactory(title="Matinale de Vitry")
    EventFactory(title="Matinale en préparation", is_published=False)
    EventFactory(
        title="Matinale de l'an dernier",
        starts_at=timezone.now() - timedelta(days=300),
        ends_at=timezone.now() - timedelta(days=300) + timedelta(hours=4),
    )
    response = client.get(reverse("events:event_list"), {"format": "ics"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(c["summary"]) for c in calendar.walk("VEVENT")]
    assert summaries == ["Matinale de Vitry"]
    assert str(calendar.walk("VEVENT")[0]["uid"]).startswith(f"event-{upcoming.pk}@")
    assert "?format=ics" in client.get(reverse("events:event_list")).content.decode()

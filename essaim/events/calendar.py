"""iCalendar files (RFC 5545) for an event and for a personal agenda of meetings."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from essaim.core.links import site_url

from .models import Event, Meeting, Registration

PRODID = "-//Essaim//Evenements//FR"
CALENDAR_MIMETYPE = "text/calendar; method=PUBLISH"  # as an email attachment (an invitation)


def _calendar(method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _component(
    uid: str, summary: str, start: datetime, end: datetime, location: str, description: str
) -> CalendarEvent:
    component = CalendarEvent()
    component.add("uid", uid)
    component.add("dtstamp", timezone.now())
    component.add("dtstart", start)
    component.add("dtend", end)
    component.add("summary", summary)
    if location:
        component.add("location", location)
    if description:
        component.add("description", description)
    return component


def _domain() -> str:
    return urlsplit(site_url()).hostname or "essaim"


def event_location(event: Event) -> str:
    parts = [event.place, event.commune.name if event.commune_id and event.commune else ""]
    return ", ".join(p for p in parts if p)


def event_calendar(event: Event) -> bytes:
    calendar = _calendar()
    calendar.add_component(
        _component(
            f"event-{event.pk}@{_domain()}",
            event.title,
            event.starts_at,
            event.ends_at,
            event_location(event),
            event.description[:1000],
        )
    )
    return calendar.to_ical()


def events_calendar(events: Iterable[Event]) -> bytes:
    """The territory's public agenda: one component per published event (same uid as the event's own .ics)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "Événements de l'ESS du territoire")
    for event in events:
        calendar.add_component(
            _component(
                f"event-{event.pk}@{_domain()}",
                event.title,
                event.starts_at,
                event.ends_at,
                event_location(event),
                event.description[:1000],
            )
        )
    return calendar.to_ical()


def agenda_calendar(registration: Registration, meetings: Iterable[Meeting]) -> bytes:
    event = registration.event
    calendar = _calendar()
    for meeting in meetings:
        start, end = event.slot_start(meeting.slot), event.slot_end(meeting.slot)
        if start is None or end is None:
            continue
        other = meeting.other(registration)
        calendar.add_component(
            _component(
                f"meeting-{meeting.pk}-{registration.pk}@{_domain()}",
                f"Rendez-vous avec {other.organisation} (table {meeting.table})",
                start,
                end,
                event_location(event),
                f"{event.title} — {other.user.get_full_name()}, {other.organisation}, table {meeting.table}.",
            )
        )
    return calendar.to_ical()

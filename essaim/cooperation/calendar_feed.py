"""The iCalendar feed of a resource's accepted bookings (icalendar library)."""

from __future__ import annotations

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Booking, Resource


def resource_ics(resource: Resource) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Essaim//Mutualisation//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Réservations — {resource.title}")
    bookings = resource.bookings.filter(status=Booking.Status.ACCEPTED).select_related("requester")
    for booking in bookings.order_by("starts_at"):
        event = Event()
        event.add("uid", f"essaim-reservation-{booking.pk}@essaim")
        event.add("summary", f"{resource.title} — {booking.requester.name}")
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        event.add("dtstamp", booking.decided_at or timezone.now())
        calendar.add_component(event)
    return calendar.to_ical()

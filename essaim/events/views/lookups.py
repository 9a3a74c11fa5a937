"""The objects the events pages are about, or a 404: shared by every page family."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from .. import selectors
from ..models import Event, Registration


def event_or_404(pk: int, request: HttpRequest) -> Event:
    """A published event, or any event for those who manage events."""
    try:
        event = selectors.event_detail(pk)
    except Event.DoesNotExist as error:
        raise Http404 from error
    if not event.is_published and not request.user.has_perm("events.manage_event"):
        raise Http404
    return event


def registration_or_404(pk: int) -> Registration:
    try:
        return selectors.registration_with_event(pk)
    except Registration.DoesNotExist as error:
        raise Http404 from error

"""API of events: the published events (upcoming by default, past on demand), read by every token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema

from essaim.core.errors import NotFoundError
from essaim.core.links import absolute_url

from . import selectors
from .models import Event

router = Router(tags=["événements"])
MAX_ID = 2**63 - 1


class EventOut(Schema):
    id: int
    url: str
    kind: str
    title: str
    description: str
    place: str
    commune: str | None
    starts_at: datetime
    ends_at: datetime


def _event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "url": absolute_url(reverse("events:event_detail", args=[event.pk])),
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "place": event.place,
        "commune": event.commune_id,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
    }


@router.get("/", response=list[EventOut], summary="Les événements publiés (à venir, ou passés)")
def event_list(
    request: HttpRequest,
    past: bool = Query(False, description="les événements passés, du plus récent au plus ancien"),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Any:
    events = selectors.events_past() if past else selectors.events_upcoming()
    return [_event_out(event) for event in events[offset : offset + limit]]


@router.get("/{event_id}", response={200: EventOut, 404: Any}, summary="Un événement publié")
def event_detail(request: HttpRequest, event_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    event = Event.objects.filter(pk=event_id, is_published=True).select_related("commune").first()
    if event is None:
        raise NotFoundError("Cet événement n'existe pas ou n'est pas publié.")
    return _event_out(event)

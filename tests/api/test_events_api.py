"""Published events through the API (issue 16): upcoming by default, past on demand, never an unpublished one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from essaim.accounts.services import api_token_create
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_published_events_only(client, world) -> None:
    _, raw = api_token_create(actor=None, organisation=world.supplier_org, name="Agenda")
    headers = {"Authorization": f"Bearer {raw}"}
    upcoming = EventFactory(title="Matinale de Vitry")
    hidden = EventFactory(title="Matinale en préparation", is_published=False)
    past = EventFactory(
        title="Matinale de l'an dernier",
        starts_at=timezone.now() - timedelta(days=300),
        ends_at=timezone.now() - timedelta(days=300) + timedelta(hours=4),
    )
    assert [e["title"] for e in client.get("/api/v1/events/", headers=headers).json()] == [
        "Matinale de Vitry"
    ]
    assert [e["id"] for e in client.get("/api/v1/events/", {"past": "true"}, headers=headers).json()] == [
        past.pk
    ]
    assert (
        client.get(f"/api/v1/events/{upcoming.pk}", headers=headers)
        .json()["url"]
        .endswith(f"/{upcoming.pk}/")
    )
    assert client.get(f"/api/v1/events/{hidden.pk}", headers=headers).status_code == 404
    assert client.get("/api/v1/events/").status_code == 401

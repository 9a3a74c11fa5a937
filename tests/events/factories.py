"""Factories and helpers for the events tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.events import services
from essaim.events.models import Event, Registration


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Matinale des achats responsables n°{n}")
    kind = Event.Kind.MATINALE
    place = "Hôtel de ville"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    capacity = 80


def meeting_event(**fields: Any) -> Event:
    """An upcoming event with 6 slots of 15 minutes (a break before the 4th) and 3 tables."""
    starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=10))
    values: dict[str, Any] = {
        "offers_meetings": True,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=4),
        "meetings_start_at": starts_at + timedelta(hours=2),
        "slot_minutes": 15,
        "slot_count": 6,
        "breaks": [3],
        "tables": 3,
    }
    values.update(fields)
    return EventFactory(**values)


ROLE_OF_KIND = {
    Organisation.Kind.BUYER: "acheteur",
    Organisation.Kind.SUPPLIER: "fournisseur",
    Organisation.Kind.PARTNER: "partenaire",
}


def register(
    event: Event, person: Any, role: str | None = None, organisation: Organisation | None = None
) -> Registration:
    organisation = organisation or person.memberships.first().organisation
    return services.registration_create(
        actor=person, event=event, organisation=organisation, role=role or ROLE_OF_KIND[organisation.kind]
    )

"""Events, their programme and their stands: create, edit, delete (keyword-only, atomic, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.idempotency import remember_object, replayed_object

from ..errors import EventError
from ..models import Event, ProgrammeItem, Role, Stand

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "organiser",
    "place",
    "commune",
    "starts_at",
    "ends_at",
    "is_published",
    "capacity",
    "capacity_buyer",
    "capacity_supplier",
    "capacity_partner",
    "capacity_visitor",
    "registration_opens_at",
    "registration_closes_at",
    "offers_meetings",
)


def _validate_event(event: Event) -> None:
    if not event.title.strip():
        raise EventError("Le titre est obligatoire.", field="title")
    if event.ends_at < event.starts_at:
        raise EventError("La fin doit suivre le début.", field="ends_at")
    if (
        event.registration_opens_at
        and event.registration_closes_at
        and event.registration_closes_at <= event.registration_opens_at
    ):
        raise EventError(
            "La clôture des inscriptions doit suivre leur ouverture.", field="registration_closes_at"
        )
    for role in Role.values:
        role_capacity = event.capacity_for(role)
        if role_capacity is not None and role_capacity > event.capacity:
            raise EventError(
                "Les places d'un rôle ne peuvent dépasser le total des places.", field="capacity"
            )


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    idempotency_key: str = "",
    **fields: Any,
) -> Event:
    """Create an event. A replayed form token returns the event its first submission created."""
    earlier = replayed_object(idempotency_key, Event)
    if earlier is not None:
        return earlier
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise EventError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = Event(title=title, starts_at=starts_at, ends_at=ends_at, **fields)
    _validate_event(event)
    event.save()
    log_action(actor=actor, action="event.created", target=event)
    remember_object(idempotency_key, event)
    return event


@transaction.atomic
def event_update(*, actor: Actor, event: Event, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise EventError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    save_changes(event, fields, actor=actor, action="event.updated", check=_validate_event)
    return event


@transaction.atomic
def programme_item_add(
    *,
    actor: Actor,
    event: Event,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str,
    speakers: str = "",
) -> ProgrammeItem:
    if ends_at < starts_at:
        raise EventError("La fin doit suivre le début.", field="ends_at")
    if kind not in ProgrammeItem.Kind.values:
        raise EventError("Type de temps inconnu.", field="kind")
    item = ProgrammeItem.objects.create(
        event=event, title=title, starts_at=starts_at, ends_at=ends_at, kind=kind, speakers=speakers
    )
    log_action(
        actor=actor, action="event.programme_added", target=event, data={"item": item.pk, "title": title}
    )
    return item


@transaction.atomic
def programme_item_delete(*, actor: Actor, item: ProgrammeItem) -> None:
    log_action(actor=actor, action="event.programme_removed", target=item.event, data={"title": item.title})
    item.delete()


@transaction.atomic
def stand_create(
    *,
    actor: Actor,
    event: Event,
    name: str,
    organisation: Organisation | None = None,
    structure: Any | None = None,
    location: str = "",
    pitch: str = "",
    sectors: list[Any] | None = None,
) -> Stand:
    if organisation is not None and organisation.kind not in (
        Organisation.Kind.SUPPLIER,
        Organisation.Kind.PARTNER,
    ):
        raise EventError(
            "Les exposants sont des structures de l'ESS ou des partenaires.", field="organisation"
        )
    if location and Stand.objects.filter(event=event, location=location).exists():
        raise EventError("Cet emplacement est déjà attribué.", field="location")
    if structure is None and organisation is not None:
        structure = getattr(organisation, "structure", None)
    stand = Stand.objects.create(
        event=event, name=name, organisation=organisation, structure=structure, location=location, pitch=pitch
    )
    if sectors:
        stand.sectors.set(sectors)
    log_action(actor=actor, action="stand.created", target=stand, data={"event": event.pk})
    return stand


@transaction.atomic
def stand_delete(*, actor: Actor, stand: Stand) -> None:
    log_action(actor=actor, action="stand.deleted", target=stand.event, data={"stand": stand.name})
    stand.delete()


@transaction.atomic
def stand_update(*, actor: Actor, stand: Stand, pitch: str, sectors: list[Any]) -> Stand:
    """What an exhibitor may change on its own stand: the short pitch and the sectors (the facilitator
    keeps the name and the location)."""
    stand.pitch = pitch.strip()
    stand.save(update_fields=["pitch", "updated_at"])
    stand.sectors.set(sectors)
    log_action(
        actor=actor,
        action="stand.updated",
        target=stand,
        organisation_id=stand.organisation_id,
        data={"event": stand.event_id, "sectors": sorted(s.pk for s in sectors)},
    )
    return stand

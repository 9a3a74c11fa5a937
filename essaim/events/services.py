"""Writes of the events capability. Keyword-only, atomic, audited; emails sent on commit.

Registration never confirms more people than there are seats, even under concurrent requests: the event
row is locked (`select_for_update`) for the whole transaction on PostgreSQL; on SQLite the connection opens
its transactions with `BEGIN IMMEDIATE` (see settings), which serialises writers the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.core.audit import log_action
from essaim.core.errors import DomainError

from . import scheduling
from .calendar import agenda_calendar, event_calendar
from .models import Event, Meeting, MeetingRequest, ProgrammeItem, Registration, Role, Stand

CANCEL_SALT = "essaim.events.registration-cancel"
CHECKIN_SALT = "essaim.events.check-in"
# Weight of a request in the scheduler: its priority (1–3); a mutual request adds both priorities and this
# bonus, so that it weighs more than any one-sided request; a meeting forced by the facilitator weighs most.
MUTUAL_BONUS = 3
FORCED_WEIGHT = 12
DEFAULT_TIME_LIMIT = 10.0


class EventError(DomainError):
    pass


# --------------------------------------------------------------------------------------------------------
# Events and programme
# --------------------------------------------------------------------------------------------------------

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
def event_create(*, actor: Any, title: str, starts_at: datetime, ends_at: datetime, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise EventError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = Event(title=title, starts_at=starts_at, ends_at=ends_at, **fields)
    _validate_event(event)
    event.save()
    log_action(actor=actor, action="event.created", target=event)
    return event


@transaction.atomic
def event_update(*, actor: Any, event: Event, **fields: Any) -> Event:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise EventError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    changed = {k: str(v) for k, v in fields.items() if getattr(event, k) != v}
    for key, value in fields.items():
        setattr(event, key, value)
    _validate_event(event)
    event.save()
    log_action(actor=actor, action="event.updated", target=event, data={"changed": sorted(changed)})
    return event


@transaction.atomic
def programme_item_add(
    *,
    actor: Any,
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
def programme_item_delete(*, actor: Any, item: ProgrammeItem) -> None:
    log_action(actor=actor, action="event.programme_removed", target=item.event, data={"title": item.title})
    item.delete()


# --------------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------------


def registration_cancel_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CANCEL_SALT)


def registration_check_in_token(registration: Registration) -> str:
    return signing.dumps({"r": registration.pk}, salt=CHECKIN_SALT)


def registration_from_token(token: str, *, purpose: str) -> Registration:
    """The registration a signed link points to, or `EventError` when the link was tampered with."""
    salt = CANCEL_SALT if purpose == "cancel" else CHECKIN_SALT
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature as error:
        raise EventError("Ce lien n'est pas valide.") from error
    registration = (
        Registration.objects.select_related("event", "user", "organisation").filter(pk=data.get("r")).first()
    )
    if registration is None:
        raise EventError("Cette inscription n'existe plus.")
    return registration


def _confirmed_counts(event: Event) -> tuple[int, dict[str, int]]:
    rows = (
        Registration.objects.confirmed().filter(event=event).values("role").annotate(n=Count("id")).order_by()
    )
    by_role = {row["role"]: row["n"] for row in rows}
    return sum(by_role.values()), by_role


def _has_seat(event: Event, role: str, total: int, by_role: dict[str, int]) -> bool:
    if total >= event.capacity:
        return False
    role_capacity = event.capacity_for(role)
    return role_capacity is None or by_role.get(role, 0) < role_capacity


def _allowed_roles(organisation: Organisation) -> set[str]:
    kind = organisation.kind
    if kind == Organisation.Kind.BUYER:
        return {Role.BUYER, Role.VISITOR}
    if kind == Organisation.Kind.SUPPLIER:
        return {Role.SUPPLIER, Role.VISITOR}
    return {Role.PARTNER, Role.VISITOR}


def registration_create(*, actor: Any, event: Event, organisation: Organisation, role: str) -> Registration:
    """Register `actor` for `organisation`: confirmed if a seat is left (overall and for the role), else on
    the waiting list. At most one active registration per person and event."""
    if role not in Role.values:
        raise EventError("Rôle inconnu.", field="role")
    if not actor.memberships.filter(organisation=organisation).exists():
        raise EventError(
            "Vous ne pouvez vous inscrire que pour une de vos organisations.", field="organisation"
        )
    if role not in _allowed_roles(organisation):
        raise EventError(
            f"Une organisation de type « {organisation.get_kind_display()} » ne peut pas s'inscrire comme "
            f"« {Role(role).label.lower()} ».",
            field="role",
        )
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if not locked.registration_is_open():
                raise EventError("Les inscriptions à cet événement sont fermées.")
            if Registration.objects.active().filter(event=locked, user=actor).exists():
                raise EventError("Vous êtes déjà inscrit à cet événement.")
            total, by_role = _confirmed_counts(locked)
            status = (
                Registration.Status.CONFIRMED
                if _has_seat(locked, role, total, by_role)
                else Registration.Status.WAITLISTED
            )
            registration = Registration.objects.create(
                event=locked, user=actor, organisation=organisation, role=role, status=status
            )
            log_action(
                actor=actor,
                action=f"registration.{'confirmed' if status == Registration.Status.CONFIRMED else 'waitlisted'}",
                target=registration,
                organisation_id=organisation.pk,
                data={"event": locked.pk, "role": role},
            )
            registration_id = registration.pk
            transaction.on_commit(lambda: _send_registration_email(registration_id))
    except IntegrityError as error:  # the partial unique constraint: a concurrent duplicate
        raise EventError("Vous êtes déjà inscrit à cet événement.") from error
    return registration


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> list[Registration]:
    """Cancel a registration and promote people from the waiting list, in order, to the freed seats."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise EventError("Cette inscription est déjà annulée.")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    MeetingRequest.objects.filter(
        Q(requester=registration) | Q(recipient=registration),
        status__in=[MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED],
    ).update(status=MeetingRequest.Status.CANCELLED, updated_at=timezone.now())
    log_action(
        actor=actor,
        action="registration.cancelled",
        target=registration,
        organisation_id=registration.organisation_id,
        data={"event": event.pk},
    )
    promoted = _promote_waiting_list(actor=actor, event=event) if was_confirmed else []
    return promoted


def _promote_waiting_list(*, actor: Any, event: Event) -> list[Registration]:
    total, by_role = _confirmed_counts(event)
    promoted = []
    for waiting in Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED).order_by(
        "created_at", "id"
    ):
        if total >= event.capacity:
            break
        if not _has_seat(event, waiting.role, total, by_role):
            continue
        waiting.status = Registration.Status.CONFIRMED
        waiting.promoted_at = timezone.now()
        waiting.save(update_fields=["status", "promoted_at", "updated_at"])
        total += 1
        by_role[waiting.role] = by_role.get(waiting.role, 0) + 1
        log_action(
            actor=actor,
            action="registration.promoted",
            target=waiting,
            organisation_id=waiting.organisation_id,
            data={"event": event.pk},
        )
        waiting_id = waiting.pk
        transaction.on_commit(lambda pk=waiting_id: _send_registration_email(pk, promoted=True))
        promoted.append(waiting)
    return promoted


@transaction.atomic
def registration_check_in(*, actor: Any, registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.CONFIRMED:
        raise EventError("Seule une inscription confirmée peut être pointée.")
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at", "updated_at"])
        log_action(
            actor=actor,
            action="registration.checked_in",
            target=registration,
            organisation_id=registration.organisation_id,
        )
    return registration


def _send_registration_email(registration_id: int, *, promoted: bool = False) -> None:
    registration = Registration.objects.select_related("event", "event__commune", "user", "organisation").get(
        pk=registration_id
    )
    event = registration.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    context = {
        "registration": registration,
        "event": event,
        "confirmed": confirmed,
        "promoted": promoted,
        "cancel_url": _absolute(f"/evenements/annulation/{registration_cancel_token(registration)}/"),
    }
    subject = f"Inscription confirmée : {event.title}" if confirmed else f"Liste d'attente : {event.title}"
    message = EmailMessage(
        subject=subject,
        body=render_to_string("events/emails/registration.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.user.email],
    )
    if confirmed:
        message.attach("invitation.ics", event_calendar(event), "text/calendar; method=PUBLISH")
    message.send()


def _absolute(path: str) -> str:
    base = getattr(settings, "ESSAIM_SITE_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


# --------------------------------------------------------------------------------------------------------
# Stands
# --------------------------------------------------------------------------------------------------------


@transaction.atomic
def stand_create(
    *,
    actor: Any,
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
def stand_delete(*, actor: Any, stand: Stand) -> None:
    log_action(actor=actor, action="stand.deleted", target=stand.event, data={"stand": stand.name})
    stand.delete()


# --------------------------------------------------------------------------------------------------------
# Meeting profiles and requests
# --------------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_profile_update(
    *, actor: Any, registration: Registration, offer: str, seek: str, available_slots: list[int]
) -> Registration:
    event = registration.event
    if not event.offers_meetings:
        raise EventError("Cet événement ne propose pas de rendez-vous.")
    slots = set(available_slots)
    if any(s < 0 or s >= event.slot_count for s in slots):
        raise EventError("Créneau inconnu.", field="available_slots")
    registration.offer = offer.strip()
    registration.seek = seek.strip()
    registration.availability = [1 if s in slots else 0 for s in range(event.slot_count)]
    registration.save(update_fields=["offer", "seek", "availability", "updated_at"])
    log_action(
        actor=actor,
        action="registration.meeting_profile_updated",
        target=registration,
        organisation_id=registration.organisation_id,
        data={"available": len(slots)},
    )
    return registration


def _check_meeting_parties(requester: Registration, recipient: Registration) -> None:
    if requester.event_id != recipient.event_id:
        raise EventError("Les deux personnes doivent participer au même événement.")
    if not requester.event.offers_meetings:
        raise EventError("Cet événement ne propose pas de rendez-vous.")
    if requester.pk == recipient.pk or requester.organisation_id == recipient.organisation_id:
        raise EventError("Choisissez une personne d'une autre organisation.", field="recipient")
    for side in (requester, recipient):
        if side.status != Registration.Status.CONFIRMED:
            raise EventError("Les rendez-vous sont réservés aux inscriptions confirmées.")
        if side.role == Role.VISITOR:
            raise EventError("Les visiteurs ne prennent pas de rendez-vous.")


@transaction.atomic
def meeting_request_create(
    *, actor: Any, requester: Registration, recipient: Registration, priority: int, message: str = ""
) -> MeetingRequest:
    _check_meeting_parties(requester, recipient)
    if priority not in MeetingRequest.Priority.values:
        raise EventError("Priorité inconnue.", field="priority")
    if (
        MeetingRequest.objects.filter(requester=requester, recipient=recipient)
        .exclude(status=MeetingRequest.Status.CANCELLED)
        .exists()
    ):
        raise EventError("Vous avez déjà demandé un rendez-vous à cette personne.")
    request, _ = MeetingRequest.objects.update_or_create(
        requester=requester,
        recipient=recipient,
        defaults={
            "event_id": requester.event_id,
            "priority": priority,
            "message": message.strip(),
            "status": MeetingRequest.Status.PENDING,
            "forced": False,
            "decided_at": None,
        },
    )
    log_action(
        actor=actor,
        action="meeting_request.created",
        target=request,
        organisation_id=requester.organisation_id,
        data={"recipient": recipient.pk, "priority": priority},
    )
    return request


@transaction.atomic
def meeting_request_decide(*, actor: Any, request: MeetingRequest, accept: bool) -> MeetingRequest:
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (
        MeetingRequest.Status.PENDING,
        MeetingRequest.Status.ACCEPTED,
        MeetingRequest.Status.DECLINED,
    ):
        raise EventError("Cette demande a été annulée.")
    request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action=f"meeting_request.{'accepted' if accept else 'declined'}",
        target=request,
        data={"event": request.event_id},
    )
    return request


@transaction.atomic
def meeting_request_cancel(*, actor: Any, request: MeetingRequest) -> MeetingRequest:
    request.status = MeetingRequest.Status.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor, action="meeting_request.cancelled", target=request, data={"event": request.event_id}
    )
    return request


@transaction.atomic
def meeting_force(*, actor: Any, requester: Registration, recipient: Registration) -> MeetingRequest:
    """The facilitator adds a meeting: an accepted request that the scheduler weighs most."""
    _check_meeting_parties(requester, recipient)
    existing = MeetingRequest.objects.filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester)
    ).first()
    request = existing or MeetingRequest(
        requester=requester, recipient=recipient, event_id=requester.event_id
    )
    request.status = MeetingRequest.Status.ACCEPTED
    request.forced = True
    request.priority = MeetingRequest.Priority.HIGH
    request.decided_at = timezone.now()
    request.save()
    log_action(actor=actor, action="meeting_request.forced", target=request, data={"event": request.event_id})
    return request


# --------------------------------------------------------------------------------------------------------
# Slots, the scheduler run, agendas
# --------------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_setup_update(
    *,
    actor: Any,
    event: Event,
    meetings_start_at: datetime,
    slot_minutes: int,
    slot_count: int,
    breaks: list[int],
    break_minutes: int,
    tables: int,
) -> Event:
    if slot_count < 1 or slot_count > 64:
        raise EventError("Entre 1 et 64 créneaux.", field="slot_count")
    if tables < 1:
        raise EventError("Il faut au moins une table.", field="tables")
    if slot_minutes < 5:
        raise EventError("Un créneau dure au moins 5 minutes.", field="slot_minutes")
    if any(b <= 0 or b >= slot_count for b in breaks):
        raise EventError(
            f"Une pause se place avant un créneau, entre le 2e et le {slot_count}e.", field="breaks"
        )
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.slot_count != slot_count:
        # Availability is per slot: when the number of slots changes, people are available everywhere again.
        Registration.objects.filter(event=event).update(availability=[])
    event.offers_meetings = True
    event.meetings_start_at = meetings_start_at
    event.slot_minutes = slot_minutes
    event.slot_count = slot_count
    event.breaks = sorted(set(breaks))
    event.break_minutes = break_minutes
    event.tables = tables
    event.save()
    stale = Meeting.objects.filter(event=event).filter(Q(slot__gte=slot_count) | Q(table__gt=tables))
    stale.delete()
    log_action(
        actor=actor,
        action="event.meeting_setup_updated",
        target=event,
        data={"slots": slot_count, "tables": tables, "breaks": event.breaks},
    )
    return event


def schedule_input(event: Event) -> dict[str, Any]:
    """The scheduler's input built from the database: accepted requests between confirmed participants
    (mutual ones merged with a higher weight, forced ones weighing most), locked meetings, and the current
    meetings as the previous schedule so that a re-run moves only what it must."""
    requests = list(
        MeetingRequest.objects.filter(
            event=event,
            status=MeetingRequest.Status.ACCEPTED,
            requester__status=Registration.Status.CONFIRMED,
            recipient__status=Registration.Status.CONFIRMED,
        ).select_related("requester", "recipient")
    )
    directed: dict[tuple[int, int], MeetingRequest] = {(r.requester_id, r.recipient_id): r for r in requests}
    weights: dict[tuple[int, int], int] = {}
    registrations: dict[int, Registration] = {}
    for (a, b), request in directed.items():
        key = (min(a, b), max(a, b))
        registrations[request.requester_id] = request.requester
        registrations[request.recipient_id] = request.recipient
        reverse = directed.get((b, a))
        if request.forced or (reverse is not None and reverse.forced):
            weight = FORCED_WEIGHT
        elif reverse is not None:
            weight = request.priority + reverse.priority + MUTUAL_BONUS
        else:
            weight = request.priority
        weights[key] = max(weights.get(key, 0), weight)
    meetings = list(Meeting.objects.filter(event=event).select_related("a", "b"))
    for meeting in meetings:
        registrations.setdefault(meeting.a_id, meeting.a)
        registrations.setdefault(meeting.b_id, meeting.b)
    participants = []
    for pk, registration in sorted(registrations.items()):
        if registration.status != Registration.Status.CONFIRMED:
            continue
        available = [int(registration.is_available(s)) for s in range(event.slot_count)]
        participants.append({"id": f"r{pk}", "available": available})
    known = {p["id"]: p["available"] for p in participants}
    locked = []
    busy: set[tuple[str, int]] = set()
    per_slot: dict[int, int] = defaultdict(int)
    for meeting in meetings:
        a, b = f"r{meeting.a_id}", f"r{meeting.b_id}"
        if not meeting.locked or a not in known or b not in known or meeting.slot >= event.slot_count:
            continue
        if not (known[a][meeting.slot] and known[b][meeting.slot]):
            continue
        if (a, meeting.slot) in busy or (b, meeting.slot) in busy or per_slot[meeting.slot] >= event.tables:
            continue
        busy.update({(a, meeting.slot), (b, meeting.slot)})
        per_slot[meeting.slot] += 1
        locked.append({"a": a, "b": b, "slot": meeting.slot})
    return {
        "slots": event.slot_count,
        "tables": event.tables,
        "breaks": list(event.breaks),
        "participants": participants,
        "requests": [{"a": f"r{a}", "b": f"r{b}", "weight": w} for (a, b), w in sorted(weights.items())],
        "locked": locked,
        "previous": [
            {"a": f"r{m.a_id}", "b": f"r{m.b_id}", "slot": m.slot, "table": m.table}
            for m in meetings
            if m.slot < event.slot_count
        ],
    }


def schedule_run(*, actor: Any, event: Event, time_limit: float = DEFAULT_TIME_LIMIT) -> dict[str, Any]:
    """Run the scheduler on the event's accepted requests and store the meetings with their tables.

    The solver runs outside any transaction (it may take seconds); the result is written atomically. When
    agendas were already published, the people whose agenda changed are emailed."""
    if not event.offers_meetings or event.slot_count < 1 or event.tables < 1:
        raise EventError("Définissez d'abord les créneaux et les tables.")
    data = schedule_input(event)
    try:
        instance = scheduling.parse_instance(data)
    except scheduling.SchedulingInputError as error:
        raise EventError(str(error)) from error
    result = scheduling.solve(instance, time_limit=time_limit)
    weight_of = {(r["a"], r["b"]): r["weight"] for r in data["requests"]}
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        existing = {(m.a_id, m.b_id): m for m in Meeting.objects.filter(event=event)}
        wanted: dict[tuple[int, int], scheduling.Meeting] = {}
        for meeting in result.meetings:
            a, b = int(meeting.a[1:]), int(meeting.b[1:])
            wanted[(min(a, b), max(a, b))] = meeting
        Meeting.objects.filter(event=event).exclude(
            pk__in=[m.pk for key, m in existing.items() if key in wanted]
        ).delete()
        # Move the kept meetings out of the way first, so that the (slot, table) constraint holds throughout.
        Meeting.objects.filter(event=event).update(table=F("table") + 10000)
        moved = 0
        for key, placed in wanted.items():
            weight = weight_of.get((f"r{key[0]}", f"r{key[1]}"), 0)
            current = existing.get(key)
            if current is None:
                Meeting.objects.create(
                    event=event, a_id=key[0], b_id=key[1], slot=placed.slot, table=placed.table, weight=weight
                )
            else:
                moved += int(current.slot != placed.slot)
                Meeting.objects.filter(pk=current.pk).update(
                    slot=placed.slot, table=placed.table, weight=weight
                )
        report = {
            "ran_at": timezone.now().isoformat(),
            "requests": len(data["requests"]),
            "meetings": len(result.meetings),
            "satisfied_weight": result.satisfied_weight,
            "upper_bound": result.upper_bound,
            "idle_periods": result.idle_periods,
            "status": result.status,
            "moved": moved,
            "removed": len([k for k in existing if k not in wanted]),
        }
        event.schedule_report = report
        event.save(update_fields=["schedule_report", "updated_at"])
        log_action(actor=actor, action="event.schedule_computed", target=event, data=report)
        if event.agendas_published_at is not None:
            _notify_agenda_changes(event)
    return report


def agenda_signature(registration: Registration, meetings: list[Meeting]) -> str:
    rows = sorted((m.slot, m.table, m.other(registration).pk) for m in meetings)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def _notify_agenda_changes(event: Event) -> int:
    """Email the people whose agenda differs from the one they were last sent. Returns how many."""
    meetings_of: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(event=event).select_related("a", "b"):
        meetings_of[meeting.a_id].append(meeting)
        meetings_of[meeting.b_id].append(meeting)
    notified = []
    for registration in Registration.objects.confirmed().filter(event=event):
        meetings = meetings_of.get(registration.pk, [])
        signature = agenda_signature(registration, meetings) if meetings else ""
        if signature == registration.agenda_signature:
            continue
        first_time = registration.agenda_signature == ""
        registration.agenda_signature = signature
        registration.save(update_fields=["agenda_signature", "updated_at"])
        notified.append((registration.pk, first_time))
    for pk, first_time in notified:
        transaction.on_commit(lambda pk=pk, first=first_time: _send_agenda_email(pk, first_time=first))
    return len(notified)


@transaction.atomic
def agendas_publish(*, actor: Any, event: Event) -> int:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not Meeting.objects.filter(event=event).exists():
        raise EventError("Calculez d'abord le planning des rendez-vous.")
    event.agendas_published_at = timezone.now()
    event.save(update_fields=["agendas_published_at", "updated_at"])
    notified = _notify_agenda_changes(event)
    log_action(actor=actor, action="event.agendas_published", target=event, data={"notified": notified})
    return notified


def _send_agenda_email(registration_id: int, *, first_time: bool) -> None:
    registration = Registration.objects.select_related("event", "event__commune", "user", "organisation").get(
        pk=registration_id
    )
    meetings = list(
        Meeting.objects.filter(Q(a=registration) | Q(b=registration))
        .select_related("a__user", "a__organisation", "b__user", "b__organisation")
        .order_by("slot")
    )
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "first_time": first_time,
        "rows": [(event.slot_label(m.slot), m.table, m.other(registration)) for m in meetings],
    }
    subject = f"{'Votre agenda' if first_time else 'Votre agenda a changé'} : {event.title}"
    message = EmailMessage(
        subject=subject,
        body=render_to_string("events/emails/agenda.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.user.email],
    )
    if meetings:
        message.attach("agenda.ics", agenda_calendar(registration, meetings), "text/calendar; method=PUBLISH")
    message.send()


@transaction.atomic
def meeting_lock(*, actor: Any, meeting: Meeting, locked: bool) -> Meeting:
    meeting.locked = locked
    meeting.save(update_fields=["locked", "updated_at"])
    log_action(actor=actor, action=f"meeting.{'locked' if locked else 'unlocked'}", target=meeting)
    return meeting


@transaction.atomic
def meeting_outcome_set(
    *, actor: Any, meeting: Meeting, outcome: str, notes: str = "", amount: Decimal | None = None
) -> Meeting:
    """After the event, record what a meeting led to; creates (or updates) the shared collaboration record."""
    from essaim.sourcing.collaborations import collaboration_record
    from essaim.sourcing.models import Collaboration

    if outcome not in (Meeting.Outcome.FOLLOW_UP, Meeting.Outcome.COLLABORATION):
        raise EventError("Suite inconnue.", field="outcome")
    meeting = Meeting.objects.select_related("event", "a__organisation", "b__organisation").get(pk=meeting.pk)
    if timezone.now() < meeting.event.starts_at:
        raise EventError("La suite d'un rendez-vous se renseigne après l'événement.")
    buyer_side, other_side = (
        (meeting.a, meeting.b)
        if meeting.a.role == Role.BUYER or meeting.b.role != Role.BUYER
        else (meeting.b, meeting.a)
    )
    meeting.outcome = outcome
    meeting.save(update_fields=["outcome", "updated_at"])
    collaboration_record(
        actor=actor,
        buyer=buyer_side.organisation,
        supplier=other_side.organisation,
        source=Collaboration.Source.EVENT,
        status=outcome,
        meeting=meeting,
        amount=amount,
        date=timezone.localdate(meeting.event.starts_at),
        notes=notes,
    )
    log_action(actor=actor, action="meeting.outcome_set", target=meeting, data={"outcome": outcome})
    return meeting

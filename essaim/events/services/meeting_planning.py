"""Buyer–supplier meetings, facilitator's side: slots and tables, the scheduler run, agendas, locks, outcomes."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.core.audit import log_action
from essaim.core.home import waiting_changed
from essaim.core.mail import Attachment, send_mail
from essaim.sourcing.collaborations import CollaborationSource, collaboration_record

from .. import scheduling
from ..calendar import CALENDAR_MIMETYPE, agenda_calendar
from ..errors import OUTCOME_AFTER_EVENT, SCHEDULE_CHANGED, EventError
from ..models import Event, Meeting, MeetingRequest, Registration, Role

# Weight of a request in the scheduler: its priority (1–3); a mutual request adds both priorities and this
# bonus, so that it weighs more than any one-sided request; a meeting forced by the facilitator weighs most.
MUTUAL_BONUS = 3
FORCED_WEIGHT = 12
DEFAULT_TIME_LIMIT = 10.0


@transaction.atomic
def meeting_setup_update(
    *,
    actor: Actor,
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
    for (requester_id, recipient_id), request in directed.items():
        key = (min(requester_id, recipient_id), max(requester_id, recipient_id))
        registrations[request.requester_id] = request.requester
        registrations[request.recipient_id] = request.recipient
        reverse = directed.get((recipient_id, requester_id))
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


def schedule_run(*, actor: Actor, event: Event, time_limit: float = DEFAULT_TIME_LIMIT) -> dict[str, Any]:
    """Run the scheduler on the event's accepted requests and store the meetings with their tables.

    The solver runs outside any transaction (it may take seconds); the result is written atomically, under
    the event's row lock, and only if the input read before solving is still the input: a meeting locked or
    forced, a request or an availability changed meanwhile by someone else refuses the write (nothing is
    lost; the facilitator runs it again). Writers of the input that touch meetings take the same lock.
    When agendas were already published, the people whose agenda changed are emailed."""
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
        if schedule_input(event) != data:
            raise EventError(SCHEDULE_CHANGED)
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
        _agenda_email(pk, first_time=first_time)
    return len(notified)


@transaction.atomic
def agendas_publish(*, actor: Actor, event: Event) -> int:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not Meeting.objects.filter(event=event).exists():
        raise EventError("Calculez d'abord le planning des rendez-vous.")
    event.agendas_published_at = timezone.now()
    event.save(update_fields=["agendas_published_at", "updated_at"])
    notified = _notify_agenda_changes(event)
    log_action(actor=actor, action="event.agendas_published", target=event, data={"notified": notified})
    waiting_changed(facilitators=True)
    return notified


def _agenda_email(registration_id: int, *, first_time: bool) -> None:
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
    ics = agenda_calendar(registration, meetings) if meetings else None
    send_mail(
        template="events/emails/agenda",
        to=[registration.user.email],
        context=context,
        attachments=[Attachment("agenda.ics", ics, CALENDAR_MIMETYPE)] if ics else [],
    )


@transaction.atomic
def meeting_lock(*, actor: Actor, meeting: Meeting, locked: bool) -> Meeting:
    """Lock (or unlock) a meeting in place. Takes the event's lock, as the scheduler run does when it writes."""
    Event.objects.select_for_update().get(pk=meeting.event_id)
    current = Meeting.objects.filter(pk=meeting.pk).first()
    if current is None:
        raise EventError("Ce rendez-vous n'existe plus : le planning a été recalculé entre-temps.")
    meeting = current
    meeting.locked = locked
    meeting.save(update_fields=["locked", "updated_at"])
    log_action(actor=actor, action=f"meeting.{'locked' if locked else 'unlocked'}", target=meeting)
    return meeting


@transaction.atomic
def meeting_outcome_set(
    *, actor: Actor, meeting: Meeting, outcome: str, notes: str = "", amount: Decimal | None = None
) -> Meeting:
    """After the event, record what a meeting led to; creates (or updates) the shared collaboration record."""
    if outcome not in (Meeting.Outcome.FOLLOW_UP, Meeting.Outcome.COLLABORATION):
        raise EventError("Suite inconnue.", field="outcome")
    meeting = Meeting.objects.select_related("event", "a__organisation", "b__organisation").get(pk=meeting.pk)
    if timezone.now() < meeting.event.starts_at:
        raise EventError(OUTCOME_AFTER_EVENT)
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
        source=CollaborationSource.EVENT,
        status=outcome,
        meeting=meeting,
        amount=amount,
        date=timezone.localdate(meeting.event.starts_at),
        notes=notes,
    )
    log_action(actor=actor, action="meeting.outcome_set", target=meeting, data={"outcome": outcome})
    return meeting

"""Reads of the events capability, with related rows fetched up front."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from essaim.directory.models import Sector
from essaim.sourcing import collaborations

from .models import Event, Meeting, MeetingRequest, Registration, Role, Stand


def events_upcoming(*, include_unpublished: bool = False) -> QuerySet[Event]:
    events = Event.objects.select_related("commune", "organiser").order_by("starts_at")
    if not include_unpublished:
        events = events.filter(is_published=True)
    return events.filter(ends_at__gte=timezone.now())


def events_past(*, include_unpublished: bool = False) -> QuerySet[Event]:
    events = Event.objects.select_related("commune", "organiser").order_by("-starts_at")
    if not include_unpublished:
        events = events.filter(is_published=True)
    return events.filter(ends_at__lt=timezone.now())


def event_detail(pk: int) -> Event:
    return Event.objects.select_related("commune", "organiser").prefetch_related("programme").get(pk=pk)


@dataclass(frozen=True)
class RoleFigure:
    role: str
    label: str
    confirmed: int
    capacity: int | None
    waitlisted: int
    attended: int


def registration_figures(event: Event) -> list[RoleFigure]:
    rows = (
        Registration.objects.filter(event=event)
        .values("role")
        .annotate(
            confirmed=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
            waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
            attended=Count("id", filter=Q(status=Registration.Status.CONFIRMED, checked_in_at__isnull=False)),
        )
        .order_by()
    )
    by_role = {row["role"]: row for row in rows}
    figures = []
    for role in Role:
        row: Mapping[str, Any] = by_role.get(role.value, {})
        figures.append(
            RoleFigure(
                role=role.value,
                label=role.label,
                confirmed=row.get("confirmed", 0),
                capacity=event.capacity_for(role.value),
                waitlisted=row.get("waitlisted", 0),
                attended=row.get("attended", 0),
            )
        )
    return figures


# How a role's quota is named in messages ("les places réservées aux acheteurs").
ROLE_PLURALS: dict[str, str] = {
    Role.BUYER: "acheteurs",
    Role.SUPPLIER: "structures",
    Role.PARTNER: "partenaires",
    Role.VISITOR: "visiteurs",
}
EVENT_FULL = "L'événement est complet"


def waitlist_reason(event: Event, role: str) -> str:
    """Why a registration as `role` goes to the waiting list now, naming the quota that is full ("" while a
    seat is left): the whole event, or only the seats of this role (then the roles that still have seats)."""
    figures = registration_figures(event)
    if sum(figure.confirmed for figure in figures) >= event.capacity:
        return EVENT_FULL
    mine = next(figure for figure in figures if figure.role == role)
    if mine.capacity is None or mine.confirmed < mine.capacity:
        return ""
    reason = f"Les places réservées aux {ROLE_PLURALS[role]} sont toutes prises"
    others = [
        f"les {ROLE_PLURALS[figure.role]}"
        for figure in figures
        if figure.role not in (role, Role.VISITOR)
        and (figure.capacity is None or figure.confirmed < figure.capacity)
    ]
    if others:
        listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " et " + others[-1]
        reason += f" ; il reste des places pour {listed}"
    return reason


def meeting_outcome_figures(event: Event) -> dict[str, Any]:
    """The event's meetings, those that led to a collaboration or are to be followed up, and the public
    contracts confirmed after its collaborations (count and amount)."""
    row = Meeting.objects.filter(event=event).aggregate(
        total=Count("id"),
        follow_up=Count("id", filter=Q(outcome=Meeting.Outcome.FOLLOW_UP)),
        collaboration=Count("id", filter=Q(outcome=Meeting.Outcome.COLLABORATION)),
    )
    figures: dict[str, Any] = {key: value or 0 for key, value in row.items()}
    outcomes = collaborations.outcomes_by_year(event_id=event.pk)
    figures["contracts"] = sum(o.contracts for o in outcomes)
    figures["contract_amount"] = sum((o.contract_amount for o in outcomes), Decimal(0))
    return figures


@dataclass(frozen=True)
class YearOutcome:
    year: int
    events: int
    meetings: int
    collaborations: int
    contracts: int
    contract_amount: Decimal


def outcomes_per_year(kind: str) -> list[YearOutcome]:
    """For the published events of this kind (every matinale) that have started, year by year: the
    meetings held, those that led to a collaboration, the public contracts confirmed after them and their
    amount. The latest year first."""
    started = Event.objects.filter(
        kind=kind, is_published=True, offers_meetings=True, starts_at__lte=timezone.now()
    )
    years: dict[int, list[Any]] = {}
    for starts_at, total, collaboration in (
        Meeting.objects.filter(event__in=started)
        .values_list("event__starts_at")
        .annotate(
            total=Count("id"), collaboration=Count("id", filter=Q(outcome=Meeting.Outcome.COLLABORATION))
        )
    ):
        row = years.setdefault(timezone.localdate(starts_at).year, [set(), 0, 0, 0, Decimal(0)])
        row[0].add(starts_at)
        row[1] += total
        row[2] += collaboration
    for outcome in collaborations.outcomes_by_year(event_kind=kind):
        if outcome.year in years and outcome.source == collaborations.CollaborationSource.EVENT:
            years[outcome.year][3] += outcome.contracts
            years[outcome.year][4] += outcome.contract_amount
    return [
        YearOutcome(year, len(row[0]), row[1], row[2], row[3], row[4])
        for year, row in sorted(years.items(), reverse=True)
    ]


def registration_of(event: Event, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.active()
        .filter(event=event, user=user)
        .select_related("organisation", "event")
        .first()
    )


def registrations_for_facilitator(event: Event, *, query: str = "") -> QuerySet[Registration]:
    registrations = Registration.objects.filter(event=event).select_related("user", "organisation")
    if query:
        registrations = registrations.filter(
            Q(user__full_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    return registrations.order_by("status", "created_at", "id")


def exhibitors(event: Event, *, query: str = "", sector: str = "") -> QuerySet[Stand]:
    stands = (
        Stand.objects.filter(event=event)
        .select_related("organisation", "structure")
        .prefetch_related("sectors")
    )
    if query:
        stands = stands.filter(Q(name__icontains=query) | Q(pitch__icontains=query))
    if sector:
        stands = stands.filter(Q(sectors__slug=sector) | Q(sectors__parent__slug=sector)).distinct()
    return stands


def exhibitor_sectors(event: Event) -> list[Any]:
    return list(Sector.objects.filter(stand__event=event).distinct().order_by("name"))


def directory_profile_url(structure_id: int | None) -> str | None:
    if structure_id is None:
        return None
    try:
        return reverse("directory:profile", kwargs={"pk": structure_id})
    except NoReverseMatch:
        return None


@dataclass
class ParticipantRow:
    registration: Registration
    profile_url: str | None
    sent: MeetingRequest | None
    received: MeetingRequest | None


def participants(
    event: Event, *, viewer: Registration | None, role: str = "", query: str = ""
) -> list[ParticipantRow]:
    """Confirmed participants who can take meetings (not visitors), with links to directory profiles and the
    state of the viewer's requests to and from each."""
    registrations = (
        Registration.objects.confirmed()
        .filter(event=event)
        .exclude(role=Role.VISITOR)
        .select_related("user", "organisation", "organisation__structure")
        .order_by("organisation__name", "user__full_name")
    )
    if viewer is not None:
        registrations = registrations.exclude(organisation_id=viewer.organisation_id)
    if role:
        registrations = registrations.filter(role=role)
    if query:
        registrations = registrations.filter(
            Q(organisation__name__icontains=query) | Q(offer__icontains=query) | Q(seek__icontains=query)
        )
    sent: dict[int, MeetingRequest] = {}
    received: dict[int, MeetingRequest] = {}
    if viewer is not None:
        for request in MeetingRequest.objects.filter(Q(requester=viewer) | Q(recipient=viewer)).exclude(
            status=MeetingRequest.Status.CANCELLED
        ):
            if request.requester_id == viewer.pk:
                sent[request.recipient_id] = request
            else:
                received[request.requester_id] = request
    rows = []
    for registration in registrations:
        structure = getattr(registration.organisation, "structure", None)
        rows.append(
            ParticipantRow(
                registration=registration,
                profile_url=directory_profile_url(structure.pk if structure else None),
                sent=sent.get(registration.pk),
                received=received.get(registration.pk),
            )
        )
    return rows


def requests_of(registration: Registration) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    related = ("requester__user", "requester__organisation", "recipient__user", "recipient__organisation")
    sent = list(
        registration.requests_sent.exclude(status=MeetingRequest.Status.CANCELLED).select_related(*related)
    )
    received = list(
        registration.requests_received.exclude(status=MeetingRequest.Status.CANCELLED).select_related(
            *related
        )
    )
    return sent, received


def agenda(registration: Registration) -> list[Meeting]:
    return list(
        Meeting.objects.filter(Q(a=registration) | Q(b=registration))
        .select_related("a__user", "a__organisation", "b__user", "b__organisation", "event")
        .prefetch_related("collaborations")
        .order_by("slot")
    )


@dataclass
class AgendaRow:
    slot: int
    label: str
    meeting: Meeting | None
    other: Registration | None
    is_break_before: bool


def agenda_rows(registration: Registration) -> list[AgendaRow]:
    event = registration.event
    by_slot = {m.slot: m for m in agenda(registration)}
    rows = []
    for slot in range(event.slot_count):
        meeting = by_slot.get(slot)
        rows.append(
            AgendaRow(
                slot=slot,
                label=event.slot_label(slot),
                meeting=meeting,
                other=meeting.other(registration) if meeting else None,
                is_break_before=slot in event.breaks,
            )
        )
    return rows


def table_plan(event: Event) -> list[tuple[str, list[Meeting | None]]]:
    """One row per slot, one column per table."""
    grid: dict[int, dict[int, Meeting]] = defaultdict(dict)
    for meeting in Meeting.objects.filter(event=event).select_related(
        "a__organisation", "b__organisation", "a__user", "b__user"
    ):
        grid[meeting.slot][meeting.table] = meeting
    return [
        (event.slot_label(slot), [grid[slot].get(table) for table in range(1, event.tables + 1)])
        for slot in range(event.slot_count)
    ]


def meetings_with_parties(event: Event) -> list[Meeting]:
    return list(
        Meeting.objects.filter(event=event)
        .select_related("event", "a__user", "a__organisation", "b__user", "b__organisation")
        .order_by("slot", "table")
    )


def accepted_requests(event: Event) -> QuerySet[MeetingRequest]:
    return (
        MeetingRequest.objects.filter(event=event)
        .exclude(status=MeetingRequest.Status.CANCELLED)
        .select_related(
            "requester__organisation", "recipient__organisation", "requester__user", "recipient__user"
        )
        .order_by("status", "-priority")
    )


def meeting_participants(event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.confirmed()
        .filter(event=event)
        .exclude(role=Role.VISITOR)
        .select_related("user", "organisation")
        .order_by("organisation__name")
    )


def registration_with_event(pk: int) -> Registration:
    return Registration.objects.select_related("event", "event__commune", "user", "organisation").get(pk=pk)


def event_collaborations(event: Event, *, organisation_ids: list[int] | None = None) -> QuerySet[Any]:
    """The collaboration records of the event's meetings; with `organisation_ids`, only those where one of
    these organisations is the buyer or the supplier."""
    return collaborations.event_collaborations(event.pk, organisation_ids=organisation_ids)


def badge_registrations(event: Event) -> QuerySet[Registration]:
    """The confirmed participants, in the order their badges are printed: by organisation, then name."""
    return (
        Registration.objects.confirmed()
        .filter(event=event)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "id")
    )

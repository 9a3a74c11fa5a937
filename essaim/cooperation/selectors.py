"""Reads of the cooperation capability, with related rows fetched up front."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.directory.models import Structure
from essaim.territory.models import Perimeter

from .models import (
    ActionComment,
    Booking,
    GroupAction,
    GroupMeeting,
    GroupMember,
    MaterialFlow,
    Resource,
    ResourceRequest,
    SupportOffer,
    WorkingGroup,
)

# ---------------------------------------------------------------- working groups


def group_list() -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.select_related("perimeter").annotate(
        member_count=Count("members", filter=Q(members__status=GroupMember.Status.ACTIVE))
    )


def groups_of_organisation(organisation: Organisation | None) -> QuerySet[WorkingGroup]:
    if organisation is None:
        return WorkingGroup.objects.none()
    return group_list().filter(members__organisation=organisation, members__status=GroupMember.Status.ACTIVE)


def group_detail(pk: int) -> WorkingGroup:
    return (
        WorkingGroup.objects.select_related("perimeter", "charter")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.select_related("organisation").order_by("organisation__name"),
            ),
            Prefetch(
                "actions",
                queryset=GroupAction.objects.select_related("owner").prefetch_related(
                    Prefetch(
                        "comments",
                        queryset=ActionComment.objects.select_related("author", "organisation"),
                    )
                ),
            ),
            Prefetch("meetings", queryset=GroupMeeting.objects.select_related("event")),
            "documents",
        )
        .get(pk=pk)
    )


def membership_of(group: WorkingGroup, organisation: Organisation | None) -> GroupMember | None:
    if organisation is None:
        return None
    return GroupMember.objects.filter(group=group, organisation=organisation).first()


@dataclass
class FlowQuarter:
    label: str
    collected: Decimal = Decimal(0)
    reused: Decimal = Decimal(0)
    recycled: Decimal = Decimal(0)


@dataclass
class GroupIndicators:
    members_by_type: list[tuple[str, int]]
    actions_total: int
    actions_done: int
    actions_overdue: int
    quarters: list[FlowQuarter] = field(default_factory=list)
    by_material: list[tuple[str, Decimal, Decimal, Decimal]] = field(default_factory=list)


def group_indicators(group: WorkingGroup) -> GroupIndicators:
    type_labels = dict(GroupMember.MemberType.choices)
    counts = (
        group.members.filter(status=GroupMember.Status.ACTIVE)
        .values("member_type")
        .annotate(n=Count("pk"))
        .order_by("member_type")
    )
    actions = list(group.actions.all())
    indicators = GroupIndicators(
        members_by_type=[(str(type_labels[row["member_type"]]), row["n"]) for row in counts],
        actions_total=len(actions),
        actions_done=sum(a.status == GroupAction.Status.DONE for a in actions),
        actions_overdue=sum(a.is_overdue for a in actions),
    )
    if group.tracks_material_flows:
        quarters: dict[tuple[int, int], FlowQuarter] = {}
        materials: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
        material_labels = dict(MaterialFlow.Material.choices)
        for flow in group.flows.order_by("year", "quarter"):
            q = quarters.setdefault((flow.year, flow.quarter), FlowQuarter(f"{flow.year} T{flow.quarter}"))
            q.collected += flow.collected_t
            q.reused += flow.reused_t
            q.recycled += flow.recycled_t
            totals = materials[str(material_labels[flow.material])]
            totals[0] += flow.collected_t
            totals[1] += flow.reused_t
            totals[2] += flow.recycled_t
        indicators.quarters = list(quarters.values())
        indicators.by_material = [(name, *values) for name, values in sorted(materials.items())]  # type: ignore[misc]
    return indicators


def group_flows(group: WorkingGroup) -> QuerySet[MaterialFlow]:
    return group.flows.select_related("organisation").order_by(
        "year", "quarter", "organisation__name", "material"
    )


# ---------------------------------------------------------------- pooling


def resource_search(*, kind: str = "", commune_code: str = "") -> QuerySet[Resource]:
    resources = Resource.objects.filter(is_active=True).select_related("owner", "perimeter", "commune")
    if kind:
        resources = resources.filter(kind=kind)
    if commune_code:
        resources = resources.filter(
            Q(commune_id=commune_code)
            | Q(perimeter__memberships__commune_id=commune_code)
            | Q(commune__isnull=True, perimeter__isnull=True)
        ).distinct()
    return resources


def resource_bookings(resource: Resource, *, since: datetime | None = None) -> QuerySet[Booking]:
    bookings = resource.bookings.select_related("requester").order_by("starts_at")
    if since is not None:
        bookings = bookings.filter(ends_at__gte=since)
    return bookings


def accepted_bookings(resource: Resource) -> QuerySet[Booking]:
    return resource_bookings(resource).filter(status=Booking.Status.ACCEPTED)


def bookings_of_organisation(organisation: Organisation | None) -> dict[str, list[Booking]]:
    if organisation is None:
        return {"received": [], "made": []}
    base = Booking.objects.select_related("resource", "resource__owner", "requester").order_by("-starts_at")
    return {
        "received": list(base.filter(resource__owner=organisation)[:50]),
        "made": list(base.filter(requester=organisation)[:50]),
    }


def requests_of_organisation(organisation: Organisation | None) -> QuerySet[ResourceRequest]:
    if organisation is None:
        return ResourceRequest.objects.none()
    return (
        ResourceRequest.objects.filter(organisation=organisation)
        .select_related("commune")
        .prefetch_related(Prefetch("matches", queryset=Resource.objects.select_related("owner")))
    )


@dataclass
class CalendarDay:
    day: date | None
    bookings: list[Booking]


def month_grid(resource: Resource, year: int, month: int) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of one month, each day with the accepted bookings that cover it."""
    tz = timezone.get_current_timezone()
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    start = datetime.combine(first, time.min, tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tz)
    bookings = list(accepted_bookings(resource).filter(starts_at__lt=end, ends_at__gt=start))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(CalendarDay(None, []))
                continue
            day_start = datetime.combine(day, time.min, tz)
            day_end = day_start + timedelta(days=1)
            row.append(
                CalendarDay(day, [b for b in bookings if b.starts_at < day_end and b.ends_at > day_start])
            )
        weeks.append(row)
    return weeks


# ---------------------------------------------------------------- support offers


def _perimeters_containing(commune_code: str) -> list[int]:
    return list(Perimeter.objects.filter(memberships__commune_id=commune_code).values_list("pk", flat=True))


def support_offer_search(
    *, query: str = "", audience: str = "", topic: str = "", commune_code: str = ""
) -> QuerySet[SupportOffer]:
    offers = SupportOffer.objects.filter(is_published=True).select_related("organisation", "perimeter")
    if query:
        offers = offers.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(organisation__name__icontains=query)
        )
    if audience:
        offers = offers.filter(audience__in=[audience, SupportOffer.Audience.BOTH])
    if topic:
        offers = offers.filter(topics__contains=f",{topic},")
    if commune_code:
        offers = offers.filter(
            Q(perimeter__isnull=True) | Q(perimeter__in=_perimeters_containing(commune_code))
        )
    return offers


def relevant_support_offers(
    *, audience: str, topics: list[str] | tuple[str, ...], commune_code: str | None = None, limit: int = 3
) -> list[SupportOffer]:
    """The offers most useful to someone: right audience, most shared topics, closest territory first.

    `audience` is "acheteurs" or "fournisseurs" ("tous" accepts every offer); `topics` are
    `SupportOffer.Topic` values. Drop the result into `cooperation/includes/support_offers.html`.
    """
    offers = SupportOffer.objects.filter(is_published=True).select_related("organisation", "perimeter")
    if audience and audience != SupportOffer.Audience.BOTH:
        offers = offers.filter(audience__in=[audience, SupportOffer.Audience.BOTH])
    if topics:
        topic_filter = Q()
        for topic in topics:
            topic_filter |= Q(topics__contains=f",{topic},")
        offers = offers.filter(topic_filter)
    if commune_code:
        offers = offers.filter(
            Q(perimeter__isnull=True) | Q(perimeter__in=_perimeters_containing(commune_code))
        )

    def rank(offer: SupportOffer) -> tuple[Any, ...]:
        shared = len(set(offer.topic_list) & set(topics))
        place = offer.perimeter.rank if offer.perimeter else 5
        return (-shared, place, offer.title)

    return sorted(offers, key=rank)[:limit]


def structure_support_topics(structure: Structure) -> list[str]:
    """The support topics (`SupportOffer.Topic` values) most useful to this structure."""
    topics = ["sourcing", "cooperation", "financement"]
    if structure.reservations:
        topics.insert(0, "reservation")
    if structure.eligible_l2113_13:
        topics.insert(1, "clauses-sociales")
    if structure.is_ressourcerie:
        topics.append("locaux")
    return topics


def structure_support_panel(structure: Structure) -> dict[str, Any]:
    """Context of `cooperation/includes/support_offers.html` on the structure's dashboard (registered as a
    directory dashboard panel in `CooperationConfig.ready`)."""
    return {
        "support_offers": relevant_support_offers(
            audience=SupportOffer.Audience.SUPPLIERS,
            topics=structure_support_topics(structure),
            commune_code=structure.commune_id,
            limit=3,
        ),
        "heading_level": 3,
        "title": "Des partenaires peuvent accompagner votre structure",
    }

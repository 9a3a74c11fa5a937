"""What the cooperation capability puts on a person's home page (`essaim.core.home`): the bookings of the
organisation's shared resources to accept or decline, and the requests to join the working groups it
coordinates. (Support offers are contacted by email or on the partner's own page: nothing waits here.)"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essaim.core.home import ITEMS_PER_PROVIDER, Viewer, WaitingItem

from .models import Booking, GroupMember

SECTION = "cooperation:home"


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    if viewer.organisation is None:
        return []
    bookings = (
        Booking.objects.filter(
            resource__owner=viewer.organisation, status=Booking.Status.REQUESTED, ends_at__gte=timezone.now()
        )
        .select_related("resource", "requester")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    coordinated = GroupMember.objects.filter(
        organisation=viewer.organisation, role=GroupMember.Role.COORDINATOR, status=GroupMember.Status.ACTIVE
    ).values("group_id")
    requests = (
        GroupMember.objects.filter(group_id__in=coordinated, status=GroupMember.Status.PENDING)
        .select_related("group", "organisation")
        .order_by("-updated_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Demande de réservation",
            title=f"{booking.requester.name} demande à réserver « {booking.resource.title} »",
            detail=f"Du {_moment(booking.starts_at)} au {_moment(booking.ends_at)}",
            action="Accepter ou refuser",
            url=reverse("cooperation:booking_detail", args=[booking.pk]),
            since=booking.created_at,
            section=SECTION,
        )
        for booking in bookings
    ] + [
        WaitingItem(
            kind="Demande d'adhésion",
            title=f"{member.organisation.name} demande à rejoindre « {member.group.name} »",
            detail=member.message[:200],
            action="Accepter ou refuser",
            url=reverse("cooperation:group_detail", args=[member.group_id]),
            since=member.updated_at,
            section=SECTION,
        )
        for member in requests
    ]


def _moment(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y à H:i")

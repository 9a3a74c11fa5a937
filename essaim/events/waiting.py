"""What the events capability puts on a person's home page (`essaim.core.home`): the meeting requests the
person has to answer, the events whose meetings the facilitators have to schedule, and the next event."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essaim.core.french import counted, lowercase_start
from essaim.core.home import FACILITATOR, ITEMS_PER_PROVIDER, Upcoming, Viewer, WaitingItem

from .models import Event, MeetingRequest, Registration

SECTION = "events:event_list"


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    now = timezone.now()
    requests = (
        MeetingRequest.objects.filter(
            recipient__user=viewer.user,
            recipient__status=Registration.Status.CONFIRMED,
            status=MeetingRequest.Status.PENDING,
            event__ends_at__gte=now,
        )
        .select_related("event", "requester__organisation", "requester__user")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    items = [
        WaitingItem(
            kind="Demande de rendez-vous",
            title=f"{request.requester.organisation.name} vous propose un rendez-vous",
            detail=(
                f"« {request.event.title} », {_day(request.event.starts_at)} — "
                f"priorité : {lowercase_start(request.get_priority_display())}"
                + (f" — « {request.message} »" if request.message else "")
            ),
            action="Répondre",
            url=reverse("events:meeting_profile", args=[request.recipient_id]),
            since=request.created_at,
            section=SECTION,
        )
        for request in requests
    ]
    if viewer.role == FACILITATOR:
        accepted = Q(meeting_requests__status=MeetingRequest.Status.ACCEPTED)
        to_schedule = (
            Event.objects.filter(offers_meetings=True, starts_at__gte=now, agendas_published_at__isnull=True)
            .annotate(accepted=Count("meeting_requests", filter=accepted))
            .annotate(last_accepted=Max("meeting_requests__decided_at", filter=accepted))
            .filter(accepted__gt=0)
            .order_by("starts_at")[:ITEMS_PER_PROVIDER]
        )
        items += [
            WaitingItem(
                kind="Rendez-vous à planifier",
                title=f"« {event.title} » : {counted(event.accepted, 'rendez-vous accepté', 'rendez-vous acceptés')}",
                detail=f"Le {_day(event.starts_at)} ; les agendas ne sont pas encore publiés.",
                action="Planifier",
                url=reverse("events:meetings_manage", args=[event.pk]),
                since=event.last_accepted or event.created_at,
                section=SECTION,
            )
            for event in to_schedule
        ]
    return items


def upcoming(viewer: Viewer) -> list[Upcoming]:
    """The next event the person registered for; else, the next one open for registration."""
    now = timezone.now()
    registration = (
        Registration.objects.active()
        .filter(user=viewer.user, event__ends_at__gte=now)
        .select_related("event")
        .order_by("event__starts_at")
        .first()
    )
    if registration is not None:
        event = registration.event
        return [
            Upcoming(
                title=event.title,
                starts_at=event.starts_at,
                url=reverse("events:registration_detail", args=[registration.pk]),
                detail=f"Votre inscription : {lowercase_start(registration.get_status_display())}.",
                action="Voir mon inscription",
            )
        ]
    for event in Event.objects.filter(is_published=True, ends_at__gte=now).order_by("starts_at")[:5]:
        if event.registration_is_open(now):
            return [
                Upcoming(
                    title=event.title,
                    starts_at=event.starts_at,
                    url=reverse("events:event_detail", args=[event.pk]),
                    detail=event.place,
                    action="Voir l'événement et s'inscrire",
                )
            ]
    return []


def _day(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y")

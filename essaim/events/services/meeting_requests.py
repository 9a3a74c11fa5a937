"""Buyer–supplier meetings, participants' side: meeting profiles, requests, decisions, forced meetings.

The recipient of a request is emailed when it arrives, and the requester when it is accepted or declined
(on commit, so that a rolled-back write sends nothing)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.core.audit import log_action
from essaim.core.home import waiting_changed
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail

from ..errors import ALREADY_REQUESTED, VISITORS_TAKE_NO_MEETINGS, EventError
from ..models import Event, MeetingRequest, Registration, Role


@transaction.atomic
def meeting_profile_update(
    *, actor: Actor, registration: Registration, offer: str, seek: str, available_slots: list[int]
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
            raise EventError(VISITORS_TAKE_NO_MEETINGS)


@transaction.atomic
def meeting_request_create(
    *, actor: Actor, requester: Registration, recipient: Registration, priority: int, message: str = ""
) -> MeetingRequest:
    _check_meeting_parties(requester, recipient)
    if priority not in MeetingRequest.Priority.values:
        raise EventError("Priorité inconnue.", field="priority")
    if (
        MeetingRequest.objects.filter(requester=requester, recipient=recipient)
        .exclude(status=MeetingRequest.Status.CANCELLED)
        .exists()
    ):
        raise EventError(ALREADY_REQUESTED)
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
    _request_email(request.pk, kind="received")
    waiting_changed(users=[recipient.user_id])
    return request


@transaction.atomic
def meeting_request_decide(*, actor: Actor, request: MeetingRequest, accept: bool) -> MeetingRequest:
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (
        MeetingRequest.Status.PENDING,
        MeetingRequest.Status.ACCEPTED,
        MeetingRequest.Status.DECLINED,
    ):
        raise EventError("Cette demande a été annulée.")
    previous = request.status
    request.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action=f"meeting_request.{'accepted' if accept else 'declined'}",
        target=request,
        data={"event": request.event_id},
    )
    if request.status != previous:
        _request_email(request.pk, kind="accepted" if accept else "declined")
    waiting_changed(users=[request.recipient.user_id], facilitators=True)
    return request


@transaction.atomic
def meeting_request_cancel(*, actor: Actor, request: MeetingRequest) -> MeetingRequest:
    request.status = MeetingRequest.Status.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor, action="meeting_request.cancelled", target=request, data={"event": request.event_id}
    )
    waiting_changed(users=[request.recipient.user_id], facilitators=True)
    return request


@transaction.atomic
def meeting_force(*, actor: Actor, requester: Registration, recipient: Registration) -> MeetingRequest:
    """The facilitator adds a meeting: an accepted request that the scheduler weighs most. Takes the event's
    lock, as the scheduler run does when it writes."""
    Event.objects.select_for_update().get(pk=requester.event_id)
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
    waiting_changed(users=[recipient.user_id], facilitators=True)
    return request


def _request_email(request_id: int, *, kind: str) -> None:
    """`received` goes to the recipient; `accepted` and `declined` go to the requester."""
    request = MeetingRequest.objects.select_related(
        "event", "requester__user", "requester__organisation", "recipient__user", "recipient__organisation"
    ).get(pk=request_id)
    to, other = (
        (request.recipient, request.requester)
        if kind == "received"
        else (request.requester, request.recipient)
    )
    context = {
        "request": request,
        "event": request.event,
        "kind": kind,
        "person": to,
        "other": other,
        "profile_url": absolute_url(reverse("events:meeting_profile", args=[to.pk])),
    }
    send_mail(template="events/emails/meeting_request", to=[to.user.email], context=context)

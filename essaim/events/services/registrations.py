"""Registrations: signed links, registering, cancelling (with the waiting list), check-in; emails on commit.

Registration never confirms more people than there are seats, even under concurrent requests: the event
row is locked (`select_for_update`) for the whole transaction on PostgreSQL; on SQLite the connection opens
its transactions with `BEGIN IMMEDIATE` (see settings), which serialises writers the same way.
"""

from __future__ import annotations

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation, User
from essaim.core.audit import log_action
from essaim.core.french import lowercase_start
from essaim.core.home import waiting_changed
from essaim.core.links import absolute_url
from essaim.core.mail import Attachment, send_mail

from ..calendar import CALENDAR_MIMETYPE, event_calendar
from ..errors import ALREADY_REGISTERED, REGISTRATION_CLOSED, ROLE_NOT_ALLOWED, EventError
from ..models import Event, MeetingRequest, Registration, Role
from ..selectors import waitlist_reason

CANCEL_SALT = "essaim.events.registration-cancel"
CHECKIN_SALT = "essaim.events.check-in"


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


def role_for(organisation: Organisation) -> str:
    """The role a member of `organisation` registers with unless they choose "visiteur"."""
    if organisation.kind == Organisation.Kind.BUYER:
        return Role.BUYER
    if organisation.kind == Organisation.Kind.SUPPLIER:
        return Role.SUPPLIER
    return Role.PARTNER


def allowed_roles(organisation: Organisation) -> set[str]:
    return {role_for(organisation), Role.VISITOR}


def registration_create(*, actor: User, event: Event, organisation: Organisation, role: str) -> Registration:
    """Register `actor` for `organisation`: confirmed if a seat is left (overall and for the role), else on
    the waiting list. At most one active registration per person and event."""
    if role not in Role.values:
        raise EventError("Rôle inconnu.", field="role")
    if not actor.memberships.filter(organisation=organisation).exists():
        raise EventError(
            "Vous ne pouvez vous inscrire que pour une de vos organisations.", field="organisation"
        )
    if role not in allowed_roles(organisation):
        raise EventError(
            ROLE_NOT_ALLOWED.format(
                kind=organisation.get_kind_display(), role=lowercase_start(Role(role).label)
            ),
            field="role",
        )
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if not locked.registration_is_open():
                raise EventError(REGISTRATION_CLOSED)
            if Registration.objects.active().filter(event=locked, user=actor).exists():
                raise EventError(ALREADY_REGISTERED)
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
            _registration_email(registration.pk)
    except IntegrityError as error:  # the partial unique constraint: a concurrent duplicate
        raise EventError(ALREADY_REGISTERED) from error
    return registration


@transaction.atomic
def registration_cancel(*, actor: Actor, registration: Registration) -> list[Registration]:
    """Cancel a registration and promote people from the waiting list, in order, to the freed seats."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise EventError("Cette inscription est déjà annulée.")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    open_requests = MeetingRequest.objects.filter(
        Q(requester=registration) | Q(recipient=registration),
        status__in=[MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED],
    )
    waiting_changed(users=open_requests.values_list("recipient__user_id", flat=True), facilitators=True)
    open_requests.update(status=MeetingRequest.Status.CANCELLED, updated_at=timezone.now())
    log_action(
        actor=actor,
        action="registration.cancelled",
        target=registration,
        organisation_id=registration.organisation_id,
        data={"event": event.pk},
    )
    promoted = _promote_waiting_list(actor=actor, event=event) if was_confirmed else []
    return promoted


def _promote_waiting_list(*, actor: Actor, event: Event) -> list[Registration]:
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
        _registration_email(waiting.pk, promoted=True)
        promoted.append(waiting)
    return promoted


@transaction.atomic
def registration_check_in(*, actor: Actor, registration: Registration) -> Registration:
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


def _registration_email(registration_id: int, *, promoted: bool = False) -> None:
    """Confirmation (with the .ics invitation) or waiting list; sent after commit (`core.mail`)."""
    registration = Registration.objects.select_related("event", "event__commune", "user", "organisation").get(
        pk=registration_id
    )
    event = registration.event
    confirmed = registration.status == Registration.Status.CONFIRMED
    waiting_reason = "" if confirmed else waitlist_reason(event, registration.role)
    cancel = reverse("events:registration_cancel", args=[registration_cancel_token(registration)])
    send_mail(
        template="events/emails/registration",
        to=[registration.user.email],
        context={
            "registration": registration,
            "event": event,
            "confirmed": confirmed,
            "promoted": promoted,
            "cancel_url": absolute_url(cancel),
            "waiting_reason": waiting_reason,
        },
        attachments=[Attachment("invitation.ics", event_calendar(event), CALENDAR_MIMETYPE)]
        if confirmed
        else [],
    )

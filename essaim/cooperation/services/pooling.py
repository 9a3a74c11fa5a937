"""Pooling: resources offered, edited and withdrawn, requests matched to offers, bookings and their decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.accounts.selectors import member_emails
from essaim.core.audit import log_action, save_changes
from essaim.core.home import waiting_changed
from essaim.core.idempotency import remember_object, replayed_object
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.territory.models import Commune

from ..errors import BookingConflictError, CooperationError
from ..matching import Offered, Wanted, offer_matches
from ..models import (
    Booking,
    Resource,
    ResourceRequest,
)
from .acting import require_organisation

RESOURCE_EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "commune",
    "perimeter",
    "capacity",
    "conditions",
    "price",
    "available_from",
    "available_until",
)


def _check_resource_fields(fields: dict[str, Any]) -> None:
    start, end = fields.get("available_from"), fields.get("available_until")
    if start and end and end < start:
        raise CooperationError("La fin de disponibilité précède son début.", field="available_until")
    if fields.get("conditions") == "prix" and not fields.get("price"):
        raise CooperationError("Indiquez le tarif.", field="price")


@transaction.atomic
def resource_publish(
    *, actor: Actor, organisation: Organisation | None, idempotency_key: str = "", **fields: Any
) -> Resource:
    """Offer a resource for pooling. A replayed form token returns the resource its first submission created."""
    earlier = replayed_object(idempotency_key, Resource)
    if earlier is not None:
        return earlier
    organisation = require_organisation(organisation)
    _check_resource_fields(fields)
    resource = Resource.objects.create(owner=organisation, **fields)
    log_action(
        actor=actor, action="cooperation.resource.published", target=resource, organisation_id=organisation.pk
    )
    remember_object(idempotency_key, resource)
    return resource


@transaction.atomic
def resource_update(*, actor: Actor, resource: Resource, **fields: Any) -> Resource:
    """Change a published resource's description, place, conditions or availability (its owner).

    Existing bookings are left as they are, even outside the new availability dates: they were agreed.
    """
    unknown = set(fields) - set(RESOURCE_EDITABLE_FIELDS)
    if unknown:
        raise CooperationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if not resource.is_active:
        raise CooperationError("Cette ressource n'est plus proposée : elle ne peut plus être modifiée.")
    _check_resource_fields({k: fields.get(k, getattr(resource, k)) for k in RESOURCE_EDITABLE_FIELDS})
    save_changes(
        resource,
        fields,
        actor=actor,
        action="cooperation.resource.updated",
        organisation_id=resource.owner_id,
    )
    return resource


@transaction.atomic
def resource_withdraw(*, actor: Actor, resource: Resource) -> Resource:
    """Stop offering a resource. Accepted bookings stay (and keep blocking their periods)."""
    resource.is_active = False
    resource.save(update_fields=["is_active", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.resource.withdrawn",
        target=resource,
        organisation_id=resource.owner_id,
    )
    return resource


def _offered(resource: Resource) -> Offered:
    """The places an offer serves: its commune and its perimeter's communes; None when neither is given."""
    codes: set[str] = set()
    if resource.commune_id:
        codes.add(resource.commune_id)
    if resource.perimeter_id:
        codes.update(resource.perimeter.communes.values_list("code", flat=True))  # type: ignore[union-attr]
    has_place = bool(resource.commune_id or resource.perimeter_id)
    return Offered(
        resource.kind,
        frozenset(codes) if has_place else None,
        resource.available_from,
        resource.available_until,
    )


@transaction.atomic
def resource_request_publish(
    *,
    actor: Actor,
    organisation: Organisation | None,
    kind: str,
    description: str,
    starts_on: date,
    ends_on: date,
    commune: Commune | None = None,
    capacity: str = "",
    conditions: str = "",
) -> ResourceRequest:
    """Publish a request, match it to the active offers, and tell both sides by email."""
    organisation = require_organisation(organisation)
    if ends_on < starts_on:
        raise CooperationError("La date de fin précède la date de début.", field="ends_on")
    request = ResourceRequest.objects.create(
        organisation=organisation,
        kind=kind,
        description=description,
        commune=commune,
        capacity=capacity,
        conditions=conditions,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=acting_user(actor),
    )
    wanted = Wanted(kind, commune.code if commune else None, starts_on, ends_on)
    candidates = (
        Resource.objects.filter(is_active=True, kind=kind)
        .exclude(owner=organisation)
        .select_related("owner", "perimeter")
    )
    matched = [
        r
        for r in candidates
        if (not conditions or r.conditions == conditions) and offer_matches(wanted, _offered(r))
    ]
    request.matches.set(matched)
    log_action(
        actor=actor,
        action="cooperation.resource_request.published",
        target=request,
        organisation_id=organisation.pk,
        data={"matches": [r.pk for r in matched]},
    )
    if matched:
        send_mail(
            template="cooperation/emails/request_matched",
            to=member_emails(organisation.pk),
            context={"request": request, "resources": [(r, _resource_link(r)) for r in matched]},
        )
    for resource in matched:
        send_mail(
            template="cooperation/emails/resource_wanted",
            to=member_emails(resource.owner_id),
            context={"request": request, "resource": resource, "link": _resource_link(resource)},
        )
    return request


@transaction.atomic
def booking_request(
    *,
    actor: Actor,
    resource: Resource,
    organisation: Organisation | None,
    starts_at: datetime,
    ends_at: datetime,
    message: str = "",
) -> Booking:
    organisation = require_organisation(organisation)
    if organisation.pk == resource.owner_id:
        raise CooperationError("Vous ne pouvez pas réserver votre propre ressource.")
    if not resource.is_active:
        raise CooperationError("Cette ressource n'est plus proposée.")
    if ends_at <= starts_at:
        raise CooperationError("La fin de la réservation doit suivre son début.", field="ends_at")
    local_start, local_end = timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date()
    if resource.available_from and local_start < resource.available_from:
        raise CooperationError(
            f"La ressource n'est disponible qu'à partir du {resource.available_from:%d/%m/%Y}.",
            field="starts_at",
        )
    if resource.available_until and local_end > resource.available_until:
        raise CooperationError(
            f"La ressource n'est disponible que jusqu'au {resource.available_until:%d/%m/%Y}.",
            field="ends_at",
        )
    booking = Booking.objects.create(
        resource=resource,
        requester=organisation,
        requested_by=acting_user(actor),
        starts_at=starts_at,
        ends_at=ends_at,
        message=message,
    )
    log_action(
        actor=actor, action="cooperation.booking.requested", target=booking, organisation_id=organisation.pk
    )
    waiting_changed(organisations=[resource.owner_id])
    send_mail(
        template="cooperation/emails/booking_requested",
        to=member_emails(resource.owner_id),
        context={"booking": booking, "link": _booking_link(booking)},
    )
    return booking


def _locked_pending(booking: Booking) -> Booking:
    """The booking, locked for update with its resource and requester, while it still awaits a decision."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "requester")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.REQUESTED:
        raise CooperationError("Cette demande a déjà été traitée.")
    return booking


def _mark_decided(booking: Booking, *, actor: Actor, status: str) -> None:
    booking.status = status
    booking.decided_by = acting_user(actor)
    booking.decided_at = timezone.now()


@transaction.atomic
def booking_accept(*, actor: Actor, booking: Booking) -> Booking:
    """Accept a booking unless an accepted one overlaps it.

    Concurrency: the resource row is locked first (PostgreSQL; on SQLite the IMMEDIATE transaction already
    serialises writers), so two acceptances on one resource run one after the other and the second sees the
    first. On PostgreSQL the exclusion constraint `booking_no_overlap_accepted` is the last line of defence.
    """
    # FOR NO KEY UPDATE: concurrent booking inserts (whose foreign key check takes FOR KEY SHARE) go on.
    Resource.objects.select_for_update(no_key=True).filter(pk=booking.resource_id).first()
    booking = _locked_pending(booking)
    conflict = (
        Booking.objects.filter(
            resource_id=booking.resource_id,
            status=Booking.Status.ACCEPTED,
            starts_at__lt=booking.ends_at,
            ends_at__gt=booking.starts_at,
        )
        .exclude(pk=booking.pk)
        .exists()
    )
    if conflict:
        raise BookingConflictError()
    _mark_decided(booking, actor=actor, status=Booking.Status.ACCEPTED)
    try:
        with transaction.atomic():
            booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    except IntegrityError as error:  # the PostgreSQL exclusion constraint
        raise BookingConflictError() from error
    log_action(
        actor=actor,
        action="cooperation.booking.accepted",
        target=booking,
        organisation_id=booking.resource.owner_id,
    )
    waiting_changed(organisations=[booking.resource.owner_id])
    _tell_requester(booking, accepted=True)
    return booking


@transaction.atomic
def booking_decline(*, actor: Actor, booking: Booking) -> Booking:
    booking = _locked_pending(booking)
    _mark_decided(booking, actor=actor, status=Booking.Status.DECLINED)
    booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.booking.declined",
        target=booking,
        organisation_id=booking.resource.owner_id,
    )
    waiting_changed(organisations=[booking.resource.owner_id])
    _tell_requester(booking, accepted=False)
    return booking


@transaction.atomic
def booking_cancel(*, actor: Actor, booking: Booking) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status not in (Booking.Status.REQUESTED, Booking.Status.ACCEPTED):
        raise CooperationError("Cette réservation ne peut plus être annulée.")
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="cooperation.booking.cancelled", target=booking)
    waiting_changed(organisations=[booking.resource.owner_id])
    return booking


def _resource_link(resource: Resource) -> str:
    return absolute_url(reverse("cooperation:resource_detail", args=[resource.pk]))


def _booking_link(booking: Booking) -> str:
    return absolute_url(reverse("cooperation:booking_detail", args=[booking.pk]))


def _tell_requester(booking: Booking, *, accepted: bool) -> None:
    send_mail(
        template="cooperation/emails/booking_decided",
        to=member_emails(booking.requester_id),
        context={"booking": booking, "accepted": accepted, "link": _booking_link(booking)},
    )

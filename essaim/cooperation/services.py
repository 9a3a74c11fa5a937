"""Every write of the cooperation capability. Keyword-only, atomic, audited; emails sent after commit."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation
from essaim.core.audit import log_action
from essaim.core.errors import DomainError, PermissionDeniedError
from essaim.territory.models import Commune, Perimeter

from . import documents
from .matching import Offered, Wanted, offer_matches
from .models import (
    ActionComment,
    Booking,
    GroupAction,
    GroupDocument,
    GroupMeeting,
    GroupMember,
    MaterialFlow,
    Resource,
    ResourceRequest,
    SupportOffer,
    WorkingGroup,
)


class CooperationError(DomainError):
    default_message = "Cette opération de coopération n'est pas possible."


class BookingConflictError(CooperationError):
    default_message = "La ressource est déjà réservée sur une partie de cette période."


def _require_organisation(organisation: Organisation | None) -> Organisation:
    if organisation is None:
        raise CooperationError("Choisissez d'abord l'organisation au nom de laquelle vous agissez.")
    return organisation


def _emails_of(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def _mail_after_commit(messages: list[tuple[str, str, list[str]]]) -> None:
    """Queue emails (subject, body, recipients) to be sent once the transaction is committed."""
    batch = [(s, b, settings.DEFAULT_FROM_EMAIL, to) for s, b, to in messages if to]
    if batch:
        transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=False))


# ---------------------------------------------------------------- working groups


@transaction.atomic
def group_create(
    *,
    actor: Any,
    organisation: Organisation | None,
    name: str,
    purpose: str,
    perimeter: Perimeter | None = None,
    access: str = WorkingGroup.Access.REQUEST,
    is_private: bool = False,
    tracks_material_flows: bool = False,
    member_type: str = GroupMember.MemberType.ESS,
) -> WorkingGroup:
    """Create a group; the creating organisation becomes its first coordinator."""
    organisation = _require_organisation(organisation)
    if not name.strip():
        raise CooperationError("Donnez un nom au groupe.", field="name")
    group = WorkingGroup.objects.create(
        name=name.strip(),
        purpose=purpose,
        perimeter=perimeter,
        access=access,
        is_private=is_private,
        tracks_material_flows=tracks_material_flows,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    GroupMember.objects.create(
        group=group,
        organisation=organisation,
        member_type=member_type,
        role=GroupMember.Role.COORDINATOR,
        status=GroupMember.Status.ACTIVE,
    )
    log_action(actor=actor, action="cooperation.group.created", target=group, organisation_id=organisation.pk)
    return group


GROUP_EDITABLE_FIELDS = ("name", "purpose", "perimeter", "access", "is_private", "tracks_material_flows")


@transaction.atomic
def group_update(*, actor: Any, group: WorkingGroup, **fields: Any) -> WorkingGroup:
    """Change a group's description, territory, access or privacy (coordinators)."""
    unknown = set(fields) - set(GROUP_EDITABLE_FIELDS)
    if unknown:
        raise CooperationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if "name" in fields and not str(fields["name"]).strip():
        raise CooperationError("Donnez un nom au groupe.", field="name")
    changed = {k: v for k, v in fields.items() if getattr(group, k) != v}
    for key, value in changed.items():
        setattr(group, key, value)
    if changed:
        group.save(update_fields=[*changed, "updated_at"])
        log_action(
            actor=actor, action="cooperation.group.updated", target=group, data={"fields": sorted(changed)}
        )
    return group


@transaction.atomic
def group_join(
    *,
    actor: Any,
    group: WorkingGroup,
    organisation: Organisation | None,
    member_type: str,
    message: str = "",
) -> GroupMember:
    """Join an open group at once, or ask to join a group by request (coordinators are told)."""
    organisation = _require_organisation(organisation)
    if member_type not in GroupMember.MemberType.values:
        raise CooperationError("Type de membre inconnu.", field="member_type")
    existing = GroupMember.objects.filter(group=group, organisation=organisation).first()
    if existing is not None and existing.status != GroupMember.Status.DECLINED:
        raise CooperationError(f"{organisation} est déjà membre du groupe ou a déjà fait une demande.")
    status = (
        GroupMember.Status.ACTIVE if group.access == WorkingGroup.Access.OPEN else GroupMember.Status.PENDING
    )
    if existing is None:
        member = GroupMember.objects.create(
            group=group, organisation=organisation, member_type=member_type, status=status, message=message
        )
    else:
        member = existing
        member.member_type, member.status, member.message = member_type, status, message
        member.save(update_fields=["member_type", "status", "message", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.group.joined"
        if status == GroupMember.Status.ACTIVE
        else "cooperation.group.join_requested",
        target=group,
        organisation_id=organisation.pk,
    )
    if status == GroupMember.Status.PENDING:
        recipients = [
            email
            for coordinator in group.members.filter(
                role=GroupMember.Role.COORDINATOR, status=GroupMember.Status.ACTIVE
            ).select_related("organisation")
            for email in _emails_of(coordinator.organisation)
        ]
        _mail_after_commit(
            [
                (
                    f"Demande d'adhésion au groupe « {group.name} »",
                    f"{organisation} demande à rejoindre le groupe « {group.name} ».\n\n{message}\n\n"
                    "Vous pouvez accepter ou refuser la demande depuis la page du groupe.",
                    recipients,
                )
            ]
        )
    return member


@transaction.atomic
def group_member_decide(*, actor: Any, member: GroupMember, approve: bool) -> GroupMember:
    member = (
        GroupMember.objects.select_for_update(of=("self",))
        .select_related("group", "organisation")
        .get(pk=member.pk)
    )
    if member.status != GroupMember.Status.PENDING:
        raise CooperationError("Cette demande a déjà été traitée.")
    member.status = GroupMember.Status.ACTIVE if approve else GroupMember.Status.DECLINED
    member.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.group.member_approved" if approve else "cooperation.group.member_declined",
        target=member.group,
        organisation_id=member.organisation_id,
    )
    verdict = "acceptée" if approve else "refusée"
    _mail_after_commit(
        [
            (
                f"Votre demande d'adhésion au groupe « {member.group.name} » est {verdict}",
                f"La demande de {member.organisation} pour rejoindre « {member.group.name} » a été {verdict}.",
                _emails_of(member.organisation),
            )
        ]
    )
    return member


def _check_owner_is_member(group: WorkingGroup, owner: Organisation | None) -> None:
    if (
        owner is not None
        and not group.members.filter(organisation=owner, status=GroupMember.Status.ACTIVE).exists()
    ):
        raise CooperationError("Le porteur de l'action doit être membre du groupe.", field="owner")


@transaction.atomic
def group_action_create(
    *,
    actor: Any,
    group: WorkingGroup,
    title: str,
    description: str = "",
    owner: Organisation | None = None,
    due_date: date | None = None,
    status: str = GroupAction.Status.TODO,
) -> GroupAction:
    _check_owner_is_member(group, owner)
    action = GroupAction.objects.create(
        group=group, title=title, description=description, owner=owner, due_date=due_date, status=status
    )
    log_action(actor=actor, action="cooperation.action.created", target=action, data={"group": group.pk})
    return action


@transaction.atomic
def group_action_set_status(*, actor: Any, action: GroupAction, status: str) -> GroupAction:
    if status not in GroupAction.Status.values:
        raise CooperationError("Statut inconnu.", field="status")
    previous = action.status
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.action.status_changed",
        target=action,
        data={"from": previous, "to": status},
    )
    return action


@transaction.atomic
def action_comment_add(
    *, actor: Any, action: GroupAction, organisation: Organisation | None, body: str
) -> ActionComment:
    if not body.strip():
        raise CooperationError("Le commentaire est vide.", field="body")
    comment = ActionComment.objects.create(
        action=action, author=actor, organisation=organisation, body=body.strip()
    )
    log_action(actor=actor, action="cooperation.action.commented", target=action)
    return comment


@transaction.atomic
def group_meeting_record(
    *, actor: Any, group: WorkingGroup, held_on: date, title: str, notes: str = ""
) -> GroupMeeting:
    meeting = GroupMeeting.objects.create(group=group, held_on=held_on, title=title, notes=notes)
    log_action(actor=actor, action="cooperation.meeting.recorded", target=group, data={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def group_document_upload(
    *,
    actor: Any,
    group: WorkingGroup,
    organisation: Organisation | None,
    title: str,
    uploaded_file: UploadedFile,
    as_charter: bool = False,
) -> GroupDocument:
    """Store a shared document after checking its size, its real type and that its name agrees."""
    size = uploaded_file.size or 0
    if size > documents.MAX_DOCUMENT_SIZE:
        raise CooperationError("Le fichier dépasse la taille maximale de 10 Mo.", field="file")
    if size == 0:
        raise CooperationError("Le fichier est vide.", field="file")
    kind = documents.detect_kind(uploaded_file)
    if kind is None:
        raise CooperationError(
            "Type de fichier non accepté : PDF, ODT, DOCX, XLSX, ODS, PNG ou JPEG.", field="file"
        )
    if documents.extension_kind(uploaded_file.name or "") != kind:
        raise CooperationError("L'extension du fichier ne correspond pas à son contenu.", field="file")
    document = GroupDocument(
        group=group,
        title=title or uploaded_file.name or "Document",
        kind=kind,
        size=size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation,
    )
    document.file.save(uploaded_file.name or f"document.{kind}", uploaded_file, save=False)
    document.save()
    if as_charter:
        group.charter = document
        group.save(update_fields=["charter", "updated_at"])
    log_action(
        actor=actor, action="cooperation.document.uploaded", target=group, data={"document": document.pk}
    )
    return document


@transaction.atomic
def material_flow_declare(
    *,
    actor: Any,
    group: WorkingGroup,
    organisation: Organisation | None,
    year: int,
    quarter: int,
    material: str,
    collected_t: Decimal,
    reused_t: Decimal,
    recycled_t: Decimal,
) -> MaterialFlow:
    """Record (or correct) one member's tonnages of one material for one quarter."""
    organisation = _require_organisation(organisation)
    if not group.tracks_material_flows:
        raise CooperationError("Ce groupe ne suit pas de flux de matières.")
    if not group.members.filter(organisation=organisation, status=GroupMember.Status.ACTIVE).exists():
        raise PermissionDeniedError("Seuls les membres du groupe déclarent des flux.")
    if quarter not in (1, 2, 3, 4):
        raise CooperationError("Le trimestre va de 1 à 4.", field="quarter")
    if min(collected_t, reused_t, recycled_t) < 0:
        raise CooperationError("Les tonnages ne peuvent pas être négatifs.", field="collected_t")
    if reused_t + recycled_t > collected_t:
        raise CooperationError(
            "Le réemploi et le recyclage ne peuvent pas dépasser le tonnage collecté.", field="reused_t"
        )
    flow, created = MaterialFlow.objects.update_or_create(
        group=group,
        organisation=organisation,
        year=year,
        quarter=quarter,
        material=material,
        defaults={
            "collected_t": collected_t,
            "reused_t": reused_t,
            "recycled_t": recycled_t,
            "declared_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    log_action(
        actor=actor,
        action="cooperation.flow.declared" if created else "cooperation.flow.corrected",
        target=flow,
        organisation_id=organisation.pk,
        data={"collected": str(collected_t), "reused": str(reused_t), "recycled": str(recycled_t)},
    )
    return flow


# ---------------------------------------------------------------- pooling


@transaction.atomic
def resource_publish(*, actor: Any, organisation: Organisation | None, **fields: Any) -> Resource:
    organisation = _require_organisation(organisation)
    start, end = fields.get("available_from"), fields.get("available_until")
    if start and end and end < start:
        raise CooperationError("La fin de disponibilité précède son début.", field="available_until")
    if fields.get("conditions") == "prix" and not fields.get("price"):
        raise CooperationError("Indiquez le tarif.", field="price")
    resource = Resource.objects.create(owner=organisation, **fields)
    log_action(
        actor=actor, action="cooperation.resource.published", target=resource, organisation_id=organisation.pk
    )
    return resource


@transaction.atomic
def resource_withdraw(*, actor: Any, resource: Resource) -> Resource:
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
    actor: Any,
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
    organisation = _require_organisation(organisation)
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
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    mails = []
    if matched:
        listing = "\n".join(f"- {r.title} ({r.owner})" for r in matched)
        mails.append(
            (
                "Des ressources partagées correspondent à votre demande",
                f"Votre demande « {request.get_kind_display()} » correspond à :\n{listing}\n\n"
                "Réservez depuis la page de chaque ressource.",
                _emails_of(organisation),
            )
        )
    for resource in matched:
        mails.append(
            (
                f"Une demande correspond à votre ressource « {resource.title} »",
                f"{organisation} cherche : {description}\nDu {starts_on:%d/%m/%Y} au {ends_on:%d/%m/%Y}.",
                _emails_of(resource.owner),
            )
        )
    _mail_after_commit(mails)
    return request


@transaction.atomic
def booking_request(
    *,
    actor: Any,
    resource: Resource,
    organisation: Organisation | None,
    starts_at: datetime,
    ends_at: datetime,
    message: str = "",
) -> Booking:
    organisation = _require_organisation(organisation)
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
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        starts_at=starts_at,
        ends_at=ends_at,
        message=message,
    )
    log_action(
        actor=actor, action="cooperation.booking.requested", target=booking, organisation_id=organisation.pk
    )
    _mail_after_commit(
        [
            (
                f"Demande de réservation : {resource.title}",
                f"{organisation} souhaite réserver « {resource.title} » du "
                f"{timezone.localtime(starts_at):%d/%m/%Y %H:%M} au {timezone.localtime(ends_at):%d/%m/%Y %H:%M}."
                f"\n\n{message}\n\nAcceptez ou refusez la demande depuis la page de la ressource.",
                _emails_of(resource.owner),
            )
        ]
    )
    return booking


@transaction.atomic
def booking_accept(*, actor: Any, booking: Booking) -> Booking:
    """Accept a booking unless an accepted one overlaps it.

    Concurrency: the resource row is locked first (PostgreSQL; on SQLite the IMMEDIATE transaction already
    serialises writers), so two acceptances on one resource run one after the other and the second sees the
    first. On PostgreSQL the exclusion constraint `booking_no_overlap_accepted` is the last line of defence.
    """
    # FOR NO KEY UPDATE: concurrent booking inserts (whose foreign key check takes FOR KEY SHARE) go on.
    Resource.objects.select_for_update(no_key=True).filter(pk=booking.resource_id).first()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "requester")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.REQUESTED:
        raise CooperationError("Cette demande a déjà été traitée.")
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
    booking.status = Booking.Status.ACCEPTED
    booking.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    booking.decided_at = timezone.now()
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
    _mail_after_commit(
        [
            (
                f"Réservation acceptée : {booking.resource.title}",
                f"{booking.resource.owner} a accepté votre réservation de « {booking.resource.title} » du "
                f"{timezone.localtime(booking.starts_at):%d/%m/%Y %H:%M} au "
                f"{timezone.localtime(booking.ends_at):%d/%m/%Y %H:%M}.\n"
                "La convention de mise à disposition est téléchargeable depuis la page de la réservation.",
                _emails_of(booking.requester),
            )
        ]
    )
    return booking


@transaction.atomic
def booking_decline(*, actor: Any, booking: Booking) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "requester")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.REQUESTED:
        raise CooperationError("Cette demande a déjà été traitée.")
    booking.status = Booking.Status.DECLINED
    booking.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="cooperation.booking.declined",
        target=booking,
        organisation_id=booking.resource.owner_id,
    )
    _mail_after_commit(
        [
            (
                f"Réservation refusée : {booking.resource.title}",
                f"{booking.resource.owner} n'a pas pu accepter votre demande de réservation.",
                _emails_of(booking.requester),
            )
        ]
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: Any, booking: Booking) -> Booking:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status not in (Booking.Status.REQUESTED, Booking.Status.ACCEPTED):
        raise CooperationError("Cette réservation ne peut plus être annulée.")
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    log_action(actor=actor, action="cooperation.booking.cancelled", target=booking)
    return booking


# ---------------------------------------------------------------- support offers


@transaction.atomic
def support_offer_publish(
    *,
    actor: Any,
    organisation: Organisation | None,
    title: str,
    description: str,
    audience: str,
    topics: list[str],
    how_to_access: str,
    perimeter: Perimeter | None = None,
    contact_email: str = "",
    contact_url: str = "",
) -> SupportOffer:
    organisation = _require_organisation(organisation)
    unknown = set(topics) - set(SupportOffer.Topic.values)
    if not topics or unknown:
        raise CooperationError("Choisissez au moins un thème parmi la liste.", field="topics")
    if not contact_email and not contact_url:
        raise CooperationError("Indiquez une adresse ou une page de contact.", field="contact_email")
    offer = SupportOffer.objects.create(
        organisation=organisation,
        title=title,
        description=description,
        audience=audience,
        topics=SupportOffer.encode_topics(topics),
        how_to_access=how_to_access,
        perimeter=perimeter,
        contact_email=contact_email,
        contact_url=contact_url,
    )
    log_action(
        actor=actor,
        action="cooperation.support_offer.published",
        target=offer,
        organisation_id=organisation.pk,
    )
    return offer


@transaction.atomic
def support_offer_withdraw(*, actor: Any, offer: SupportOffer) -> SupportOffer:
    offer.is_published = False
    offer.save(update_fields=["is_published", "updated_at"])
    log_action(actor=actor, action="cooperation.support_offer.withdrawn", target=offer)
    return offer

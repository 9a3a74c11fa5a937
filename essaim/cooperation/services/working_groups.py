"""Working groups: creation, membership, actions and comments, meetings, documents, material flows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.accounts.selectors import member_emails
from essaim.core.audit import log_action, save_changes
from essaim.core.errors import PermissionDeniedError
from essaim.core.home import waiting_changed
from essaim.core.idempotency import remember_object, replayed_object
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.territory.models import Perimeter

from .. import documents
from ..errors import PRIVATE_GROUP_NOT_OPEN, CooperationError
from ..models import (
    ActionComment,
    GroupAction,
    GroupDocument,
    GroupMeeting,
    GroupMember,
    MaterialFlow,
    WorkingGroup,
)
from .acting import require_organisation


def _check_privacy(*, access: str, is_private: bool) -> None:
    """A private group admits members one by one: open joining would let anyone read its documents."""
    if is_private and access == WorkingGroup.Access.OPEN:
        raise CooperationError(PRIVATE_GROUP_NOT_OPEN, field="access")


@transaction.atomic
def group_create(
    *,
    actor: Actor,
    organisation: Organisation | None,
    name: str,
    purpose: str,
    perimeter: Perimeter | None = None,
    access: str = WorkingGroup.Access.REQUEST,
    is_private: bool = False,
    tracks_material_flows: bool = False,
    member_type: str = GroupMember.MemberType.ESS,
    idempotency_key: str = "",
) -> WorkingGroup:
    """Create a group; the creating organisation becomes its first coordinator. A replayed form token
    returns the group its first submission created."""
    earlier = replayed_object(idempotency_key, WorkingGroup)
    if earlier is not None:
        return earlier
    organisation = require_organisation(organisation)
    if not name.strip():
        raise CooperationError("Donnez un nom au groupe.", field="name")
    _check_privacy(access=access, is_private=is_private)
    group = WorkingGroup.objects.create(
        name=name.strip(),
        purpose=purpose,
        perimeter=perimeter,
        access=access,
        is_private=is_private,
        tracks_material_flows=tracks_material_flows,
        created_by=acting_user(actor),
    )
    GroupMember.objects.create(
        group=group,
        organisation=organisation,
        member_type=member_type,
        role=GroupMember.Role.COORDINATOR,
        status=GroupMember.Status.ACTIVE,
    )
    log_action(actor=actor, action="cooperation.group.created", target=group, organisation_id=organisation.pk)
    remember_object(idempotency_key, group)
    return group


GROUP_EDITABLE_FIELDS = ("name", "purpose", "perimeter", "access", "is_private", "tracks_material_flows")


@transaction.atomic
def group_update(*, actor: Actor, group: WorkingGroup, **fields: Any) -> WorkingGroup:
    """Change a group's description, territory, access or privacy (coordinators)."""
    unknown = set(fields) - set(GROUP_EDITABLE_FIELDS)
    if unknown:
        raise CooperationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if "name" in fields and not str(fields["name"]).strip():
        raise CooperationError("Donnez un nom au groupe.", field="name")
    _check_privacy(
        access=fields.get("access", group.access), is_private=bool(fields.get("is_private", group.is_private))
    )
    save_changes(group, fields, actor=actor, action="cooperation.group.updated")
    return group


@transaction.atomic
def group_join(
    *,
    actor: Actor,
    group: WorkingGroup,
    organisation: Organisation | None,
    member_type: str,
    message: str = "",
) -> GroupMember:
    """Join an open group at once, or ask to join a group by request (coordinators are told)."""
    organisation = require_organisation(organisation)
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
        coordinators = group.members.filter(
            role=GroupMember.Role.COORDINATOR, status=GroupMember.Status.ACTIVE
        )
        waiting_changed(organisations=[c.organisation_id for c in coordinators])
        send_mail(
            template="cooperation/emails/join_requested",
            to=[e for c in coordinators for e in member_emails(c.organisation_id)],
            context={
                "group": group,
                "organisation": organisation,
                "message": message,
                "link": absolute_url(reverse("cooperation:group_detail", args=[group.pk])),
            },
        )
    return member


@transaction.atomic
def group_member_decide(*, actor: Actor, member: GroupMember, approve: bool) -> GroupMember:
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
    waiting_changed(
        organisations=member.group.members.filter(
            role=GroupMember.Role.COORDINATOR, status=GroupMember.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )
    send_mail(
        template="cooperation/emails/join_decided",
        to=member_emails(member.organisation_id),
        context={
            "group": member.group,
            "organisation": member.organisation,
            "approved": approve,
            "link": absolute_url(reverse("cooperation:group_detail", args=[member.group_id])),
        },
    )
    return member


def _change_member(
    *,
    actor: Actor,
    member: GroupMember,
    field: str,
    value: str,
    what: str,
    action: str,
    check: Callable[[GroupMember], None] | None = None,
) -> GroupMember:
    """Set `field` of an active member (row locked) to `value` with the audit entry `cooperation.group.
    <action>`; `what` names the field in the French refusal, `check` may refuse the change."""
    member = (
        GroupMember.objects.select_for_update(of=("self",))
        .select_related("group", "organisation")
        .get(pk=member.pk)
    )
    if member.status != GroupMember.Status.ACTIVE:
        raise CooperationError(f"Seul le {what} d'un membre actif du groupe peut être changé.")
    previous = getattr(member, field)
    if previous == value:
        return member
    if check is not None:
        check(member)
    setattr(member, field, value)
    member.save(update_fields=[field, "updated_at"])
    log_action(
        actor=actor,
        action=f"cooperation.group.{action}",
        target=member.group,
        organisation_id=member.organisation_id,
        data={"member": member.pk, "from": previous, "to": value},
    )
    return member


@transaction.atomic
def group_member_set_type(*, actor: Actor, member: GroupMember, member_type: str) -> GroupMember:
    """Change the type of an active member (coordinators): a partner that became a training body, etc."""
    if member_type not in GroupMember.MemberType.values:
        raise CooperationError("Type de membre inconnu.", field="member_type")
    return _change_member(
        actor=actor,
        member=member,
        field="member_type",
        value=member_type,
        what="type",
        action="member_type_changed",
    )


@transaction.atomic
def group_member_set_role(*, actor: Actor, member: GroupMember, role: str) -> GroupMember:
    """Make an active member a coordinator of the group, or a plain member again (coordinators).

    The group always keeps at least one coordinator: the last one cannot step down (another one must be
    named first)."""
    if role not in GroupMember.Role.values:
        raise CooperationError("Rôle inconnu.", field="role")

    def keeps_a_coordinator(locked: GroupMember) -> None:
        if locked.role != GroupMember.Role.COORDINATOR:
            return
        coordinators = GroupMember.objects.select_for_update().filter(
            group=locked.group, role=GroupMember.Role.COORDINATOR, status=GroupMember.Status.ACTIVE
        )
        if len(coordinators) <= 1:
            raise CooperationError(
                "Le groupe doit garder au moins une organisation coordinatrice : nommez-en une autre d'abord."
            )

    return _change_member(
        actor=actor,
        member=member,
        field="role",
        value=role,
        what="rôle",
        action="member_role_changed",
        check=keeps_a_coordinator,
    )


def _check_owner_is_member(group: WorkingGroup, owner: Organisation | None) -> None:
    if (
        owner is not None
        and not group.members.filter(organisation=owner, status=GroupMember.Status.ACTIVE).exists()
    ):
        raise CooperationError("Le porteur de l'action doit être membre du groupe.", field="owner")


@transaction.atomic
def group_action_create(
    *,
    actor: Actor,
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
def group_action_set_status(*, actor: Actor, action: GroupAction, status: str) -> GroupAction:
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
    *, actor: Actor, action: GroupAction, organisation: Organisation | None, body: str
) -> ActionComment:
    if not body.strip():
        raise CooperationError("Le commentaire est vide.", field="body")
    comment = ActionComment.objects.create(
        action=action, author=acting_user(actor), organisation=organisation, body=body.strip()
    )
    log_action(actor=actor, action="cooperation.action.commented", target=action)
    return comment


@transaction.atomic
def group_meeting_record(
    *, actor: Actor, group: WorkingGroup, held_on: date, title: str, notes: str = "", event: Any = None
) -> GroupMeeting:
    """Record a meeting; `event` links it to the event (events capability) that organises it."""
    if event is not None:
        held_on = timezone.localtime(event.starts_at).date()
    meeting = GroupMeeting.objects.create(group=group, held_on=held_on, title=title, notes=notes, event=event)
    log_action(actor=actor, action="cooperation.meeting.recorded", target=group, data={"meeting": meeting.pk})
    return meeting


@transaction.atomic
def group_document_upload(
    *,
    actor: Actor,
    group: WorkingGroup,
    organisation: Organisation | None,
    title: str,
    uploaded_file: UploadedFile,
    as_charter: bool = False,
    idempotency_key: str = "",
) -> GroupDocument:
    """Store a shared document after checking its size, its real type and that its name agrees. A replayed
    form token returns the document its first submission stored."""
    earlier = replayed_object(idempotency_key, GroupDocument)
    if earlier is not None:
        return earlier
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
        uploaded_by=acting_user(actor),
        organisation=organisation,
        filename=(uploaded_file.name or f"document.{kind}")[-200:],
    )
    document.file.save(document.filename, uploaded_file, save=False)
    document.save()
    if as_charter:
        group.charter = document
        group.save(update_fields=["charter", "updated_at"])
    log_action(
        actor=actor, action="cooperation.document.uploaded", target=group, data={"document": document.pk}
    )
    remember_object(idempotency_key, document)
    return document


@transaction.atomic
def material_flow_declare(
    *,
    actor: Actor,
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
    organisation = require_organisation(organisation)
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
            "declared_by": acting_user(actor),
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

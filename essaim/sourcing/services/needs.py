"""Writes of the sourcing capability: needs and their states, attachments, closing, contracts.

States of a need (every transition audited with `log_action`):

    brouillon ──submit──▶ a-valider ──validate──▶ publie ──close──▶ clos (attribue | infructueux | annule)
        └──────────── publish (no validation) ──────▶ ┘
    brouillon / a-valider ──close (annule)──▶ clos;   a-valider ──reject──▶ brouillon

The validation step exists when `settings.SOURCING_REQUIRE_VALIDATION` is true (a per-instance setting).
Emails and batches are queued with `transaction.on_commit` (see `notifications.py` and `tasks.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.cooperation.documents import detect_kind, extension_kind
from essaim.core.audit import log_action, save_changes
from essaim.core.errors import Problem
from essaim.core.home import waiting_changed
from essaim.core.idempotency import remember_object, replayed_object
from essaim.directory import references
from essaim.directory.models import Sector, Structure
from essaim.sourcing import tasks
from essaim.sourcing.collaborations import collaboration_record
from essaim.sourcing.models import Collaboration, Need, NeedAttachment

from ..errors import NeedError

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024  # 10 Mo
ATTACHMENT_KINDS = {"pdf", "odt", "docx", "xlsx", "ods"}
MAX_REMINDERS = 2
MAX_ATTACHMENTS = 5

TRANSITIONS: dict[str, set[str]] = {
    Need.Status.DRAFT: {Need.Status.TO_VALIDATE, Need.Status.PUBLISHED, Need.Status.CLOSED},
    Need.Status.TO_VALIDATE: {Need.Status.PUBLISHED, Need.Status.DRAFT, Need.Status.CLOSED},
    Need.Status.PUBLISHED: {Need.Status.CLOSED},
    Need.Status.CLOSED: set(),
}


def validation_required() -> bool:
    return bool(getattr(settings, "SOURCING_REQUIRE_VALIDATION", False))


@dataclass
class NeedData:
    title: str
    description: str
    deadline: date
    kind: str = Need.Kind.SOURCING
    questions_deadline: date | None = None
    sectors: list[Sector] = field(default_factory=list)
    service_types: list[str] = field(default_factory=list)
    place_code: str = ""
    place_name: str = ""
    amount: Decimal | None = None
    amount_band: str = ""
    duration_months: int = 12
    reserved: str = ""
    start_date: date | None = None
    questions: str = ""
    how_to_answer: str = ""
    show_buyer_name: bool = True


def need_problems(data: NeedData, *, today: date | None = None) -> list[Problem]:
    """Every rule the need's data breaks, as (field, French message): the service refuses them all at once,
    and the need form shows them beside its own checks."""
    today = today or timezone.localdate()
    problems: list[Problem] = []
    if not data.title.strip():
        problems.append(("title", "Donnez un titre au besoin."))
    if not data.description.strip():
        problems.append(("description", "Décrivez le besoin."))
    if data.kind not in Need.Kind.values:
        problems.append(("kind", "Type de besoin inconnu."))
    unknown = sorted(set(data.service_types) - set(references.SERVICE_TYPES))
    if unknown:
        problems.append(("service_types", f"Type de prestation inconnu : {', '.join(unknown)}."))
    if data.amount is not None and data.amount < 0:
        problems.append(("amount", "Le montant ne peut pas être négatif."))
    if data.amount_band and data.amount_band not in Need.AmountBand.values:
        problems.append(("amount_band", "Tranche de montant inconnue."))
    if data.reserved and data.reserved not in Need.Reservation.values:
        problems.append(("reserved", "Réservation inconnue."))
    if data.deadline < today:
        problems.append(("deadline", "La date limite de réponse ne peut pas être passée."))
    if data.questions_deadline is not None and data.questions_deadline > data.deadline:
        problems.append(
            ("questions_deadline", "La date limite des questions doit précéder la date limite de réponse.")
        )
    if data.start_date is not None and data.start_date < data.deadline:
        problems.append(("start_date", "Le début de la prestation doit suivre la date limite de réponse."))
    if not 1 <= data.duration_months <= 120:
        problems.append(("duration_months", "La durée doit être comprise entre 1 et 120 mois."))
    return problems


def _validate(data: NeedData, *, today: date | None = None) -> None:
    problems = need_problems(data, today=today)
    if problems:
        raise NeedError(errors=problems)


def _check_buyer(organisation: Organisation) -> None:
    if organisation.kind != Organisation.Kind.BUYER:
        raise NeedError("Seul un acheteur public peut publier un besoin.")


_FIELDS = (
    "title",
    "description",
    "kind",
    "service_types",
    "place_code",
    "place_name",
    "amount",
    "amount_band",
    "duration_months",
    "reserved",
    "deadline",
    "questions_deadline",
    "start_date",
    "questions",
    "how_to_answer",
    "show_buyer_name",
)


@transaction.atomic
def need_create(
    *,
    actor: Actor,
    buyer: Organisation,
    data: NeedData,
    attachments: list[UploadedFile] | None = None,
    idempotency_key: str = "",
    external_reference: str = "",
) -> Need:
    """A new draft need. A replayed form token (double submit) returns the need its first submission created."""
    earlier = replayed_object(idempotency_key, Need)
    if earlier is not None:
        return earlier
    _check_buyer(buyer)
    _validate(data)
    need = Need.objects.create(
        buyer=buyer,
        created_by=acting_user(actor),
        external_reference=external_reference,
        **{name: getattr(data, name) for name in _FIELDS},
    )
    need.sectors.set(data.sectors)
    for uploaded in attachments or []:
        attachment_add(actor=actor, need=need, uploaded_file=uploaded)
    log_action(actor=actor, action="need.created", target=need, organisation_id=buyer.pk)
    waiting_changed(organisations=[buyer.pk])
    remember_object(idempotency_key, need)
    return need


@transaction.atomic
def need_update(
    *, actor: Actor, need: Need, data: NeedData, attachments: list[UploadedFile] | None = None
) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status == Need.Status.CLOSED:
        raise NeedError("Un besoin clos ne peut plus être modifié.")
    today = min(timezone.localdate(), need.deadline)  # a published need may keep its deadline
    _validate(data, today=today)
    also = ["sectors"] if {s.pk for s in need.sectors.all()} != {s.pk for s in data.sectors} else []
    need.sectors.set(data.sectors)
    for uploaded in attachments or []:
        attachment_add(actor=actor, need=need, uploaded_file=uploaded)
        also.append("attachments")
    save_changes(
        need,
        {name: getattr(data, name) for name in _FIELDS},
        actor=actor,
        action="need.updated",
        organisation_id=need.buyer_id,
        also_changed=also,
    )
    return need


def _same(need: Need, data: NeedData) -> bool:
    return all(getattr(need, name) == getattr(data, name) for name in _FIELDS) and {
        s.pk for s in need.sectors.all()
    } == {s.pk for s in data.sectors}


@transaction.atomic
def need_put(
    *, actor: Actor, buyer: Organisation, reference: str, data: NeedData, publish: bool = False
) -> tuple[Need, str]:
    """Create or update the buyer's need known by `reference` (the id an outside system gives it: the API).

    Returns the need and "created", "updated" or "unchanged": the same data again changes nothing. With
    `publish`, a draft is submitted (published, or sent to validation)."""
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise NeedError(
            "Indiquez la référence externe du besoin (100 caractères au plus).", field="external_reference"
        )
    _check_buyer(buyer)
    existing = Need.objects.select_for_update().filter(buyer=buyer, external_reference=reference).first()
    if existing is None:
        try:
            need = need_create(actor=actor, buyer=buyer, data=data, external_reference=reference)
            outcome = "created"
        except IntegrityError:  # the same reference sent twice at once: the other call created it
            existing = Need.objects.select_for_update().get(buyer=buyer, external_reference=reference)
    if existing is not None:
        need = existing
        if _same(need, data):
            outcome = "unchanged"
        else:
            need_update(actor=actor, need=need, data=data)
            outcome = "updated"
    if publish and need.status == Need.Status.DRAFT:
        need = need_submit(actor=actor, need=need)
        outcome = "created" if outcome == "created" else "updated"
    return need, outcome


def check_attachment(uploaded_file: UploadedFile | IO[bytes], name: str, size: int) -> str:
    """The attachment's kind, from its first bytes *and* its extension; raises when not allowed."""
    if size > MAX_ATTACHMENT_SIZE:
        raise NeedError("Le fichier dépasse 10 Mo.", field="attachments")
    by_name = extension_kind(name)
    by_content = detect_kind(uploaded_file)
    if by_name not in ATTACHMENT_KINDS or by_content != by_name:
        raise NeedError(
            f"« {name} » n'est pas accepté : joignez un PDF ou un document bureautique (ODT, DOCX, ODS, XLSX).",
            field="attachments",
        )
    return by_name


@transaction.atomic
def attachment_add(*, actor: Actor, need: Need, uploaded_file: UploadedFile) -> NeedAttachment:
    if need.attachments.count() >= MAX_ATTACHMENTS:
        raise NeedError(f"Un besoin compte au plus {MAX_ATTACHMENTS} pièces jointes.", field="attachments")
    name = uploaded_file.name or "document"
    kind = check_attachment(uploaded_file, name, uploaded_file.size or 0)
    attachment = NeedAttachment.objects.create(
        need=need, file=uploaded_file, name=name[:200], kind=kind, size=uploaded_file.size or 0
    )
    log_action(actor=actor, action="need.attachment_added", target=need, organisation_id=need.buyer_id)
    return attachment


def _transition(
    need: Need, target: str, *, actor: Actor, action: str, data: dict[str, Any] | None = None
) -> Need:
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if target not in TRANSITIONS[locked.status]:
        raise NeedError(
            f"Impossible de passer un besoin « {locked.get_status_display()} » à "
            f"« {Need.Status(target).label} »."
        )
    before = locked.status
    locked.status = target
    now = timezone.now()
    if target == Need.Status.PUBLISHED:
        locked.published_at = now
    if target == Need.Status.CLOSED:
        locked.closed_at = now
    locked.save()
    log_action(
        actor=actor,
        action=action,
        target=locked,
        organisation_id=locked.buyer_id,
        data={"from": before, "to": target, **(data or {})},
    )
    told = locked.notifications.values_list("structure__organisation_id", flat=True)
    waiting_changed(
        organisations=[locked.buyer_id, *(told if before == Need.Status.PUBLISHED else [])], facilitators=True
    )
    need.refresh_from_db()
    return locked


def _on_published(need: Need) -> None:
    need_id = need.pk
    transaction.on_commit(lambda: tasks.notify_need.enqueue(need_id, 1))


@transaction.atomic
def need_submit(*, actor: Actor, need: Need) -> Need:
    """The buyer is done writing: to the facilitators' validation when required, published otherwise."""
    if validation_required():
        return _transition(need, Need.Status.TO_VALIDATE, actor=actor, action="need.submitted")
    return need_publish(actor=actor, need=need)


@transaction.atomic
def need_publish(*, actor: Actor, need: Need) -> Need:
    if validation_required() and need.status == Need.Status.DRAFT:
        raise NeedError("Ce besoin doit d'abord être validé par l'équipe du territoire.")
    published = _transition(need, Need.Status.PUBLISHED, actor=actor, action="need.published")
    _on_published(published)
    return published


@transaction.atomic
def need_validate(*, actor: Actor, need: Need) -> Need:
    if need.status != Need.Status.TO_VALIDATE:
        raise NeedError("Seul un besoin en attente de validation peut être validé.")
    published = _transition(need, Need.Status.PUBLISHED, actor=actor, action="need.validated")
    _on_published(published)
    return published


@transaction.atomic
def need_reject(*, actor: Actor, need: Need, reason: str) -> Need:
    if need.status != Need.Status.TO_VALIDATE:
        raise NeedError("Seul un besoin en attente de validation peut être renvoyé à son auteur.")
    if not reason.strip():
        raise NeedError("Expliquez à l'acheteur ce qu'il doit corriger.", field="reason")
    return _transition(need, Need.Status.DRAFT, actor=actor, action="need.rejected", data={"reason": reason})


@transaction.atomic
def need_close(
    *,
    actor: Actor,
    need: Need,
    outcome: str,
    supplier: Organisation | None = None,
    amount: Decimal | None = None,
    signed_on: date | None = None,
) -> Need:
    """Close the need; awarded to a supplier, the collaboration is recorded."""
    if outcome not in Need.Outcome.values:
        raise NeedError("Choisissez l'issue du besoin.", field="outcome")
    if need.status != Need.Status.PUBLISHED and outcome != Need.Outcome.CANCELLED:
        raise NeedError("Un besoin qui n'a pas été publié ne peut être qu'annulé.", field="outcome")
    if supplier is not None and outcome != Need.Outcome.AWARDED:
        raise NeedError("Un fournisseur ne s'indique que pour un besoin attribué.", field="supplier")
    if supplier is not None and supplier.kind != Organisation.Kind.SUPPLIER:
        raise NeedError("Le titulaire doit être une structure de l'ESS.", field="supplier")
    if amount is not None and amount < 0:
        raise NeedError("Le montant ne peut pas être négatif.", field="amount")
    closed = _transition(
        need,
        Need.Status.CLOSED,
        actor=actor,
        action="need.closed",
        data={"outcome": outcome, "supplier": supplier.pk if supplier else None},
    )
    closed.outcome = outcome
    closed.save(update_fields=["outcome", "updated_at"])
    need.outcome = outcome
    if supplier is not None:
        contract_record(actor=actor, need=closed, supplier=supplier, amount=amount, signed_on=signed_on)
    return closed


@transaction.atomic
def contract_record(
    *,
    actor: Actor,
    need: Need,
    supplier: Organisation,
    amount: Decimal | None = None,
    signed_on: date | None = None,
    reported_by: Organisation | None = None,
) -> Collaboration:
    """A contract was signed for the need: record (or update) the collaboration, once per supplier."""
    existing = Collaboration.objects.filter(need=need, supplier=supplier).first()
    if existing is not None:
        if amount is not None and existing.amount != amount:
            existing.amount = amount
            existing.save(update_fields=["amount", "updated_at"])
            log_action(
                actor=actor, action="collaboration.updated", target=existing, organisation_id=need.buyer_id
            )
        return existing
    return collaboration_record(
        actor=actor,
        buyer=need.buyer,
        supplier=supplier,
        source=Collaboration.Source.SOURCING,
        status=Collaboration.Status.COLLABORATION,
        structure=Structure.objects.filter(organisation=supplier).first(),
        need_id=need.pk,
        amount=amount,
        date=signed_on,
        notes=f"Contrat déclaré par {(reported_by or need.buyer).name}.",
    )

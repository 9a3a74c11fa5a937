"""The collaboration record shared by sourcing, events and insight: one service (audited) and the reads the
other apps use. Events and insight reach collaborations only through this module, never the models."""

from __future__ import annotations

from datetime import date as date_type
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.core.audit import log_action
from essaim.core.errors import DomainError

from .models import Collaboration

# The choices callers pass to `collaboration_record`.
CollaborationSource = Collaboration.Source
CollaborationStatus = Collaboration.Status


class CollaborationError(DomainError):
    pass


@transaction.atomic
def collaboration_record(
    *,
    actor: Any,
    buyer: Organisation,
    supplier: Organisation,
    source: str,
    status: str = Collaboration.Status.FOLLOW_UP,
    structure: Any | None = None,
    need_id: int | None = None,
    meeting: Any | None = None,
    amount: Decimal | None = None,
    date: date_type | None = None,
    notes: str = "",
) -> Collaboration:
    """Create the collaboration record, or update it when one already exists for the same meeting."""
    if source not in Collaboration.Source.values:
        raise CollaborationError("Origine de collaboration inconnue.", field="source")
    if status not in Collaboration.Status.values:
        raise CollaborationError("État de collaboration inconnu.", field="status")
    if buyer.pk == supplier.pk:
        raise CollaborationError("L'acheteur et le fournisseur doivent être deux organisations différentes.")
    if amount is not None and amount < 0:
        raise CollaborationError("Le montant ne peut pas être négatif.", field="amount")
    if structure is None:
        structure = getattr(supplier, "structure", None)  # the directory profile, when there is one
    values = {
        "buyer": buyer,
        "supplier": supplier,
        "structure": structure,
        "need_id": need_id,
        "amount": amount,
        "date": date or timezone.localdate(),
        "source": source,
        "status": status,
        "notes": notes,
    }
    existing = (
        Collaboration.objects.select_for_update().filter(meeting=meeting).first()
        if meeting is not None
        else None
    )
    if existing is None:
        collaboration = Collaboration.objects.create(meeting=meeting, created_by=_user(actor), **values)
        action = "collaboration.recorded"
    else:
        for field, value in values.items():
            setattr(existing, field, value)
        existing.save()
        collaboration, action = existing, "collaboration.updated"
    log_action(
        actor=actor,
        action=action,
        target=collaboration,
        organisation_id=buyer.pk,
        data={"status": status, "source": source, "supplier": supplier.pk},
    )
    return collaboration


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def event_collaborations(
    event_id: int, *, organisation_ids: list[int] | None = None
) -> QuerySet[Collaboration]:
    """The collaboration records of an event's meetings; with `organisation_ids`, only those where one of
    these organisations is the buyer or the supplier."""
    records = Collaboration.objects.filter(meeting__event_id=event_id).select_related(
        "buyer", "supplier", "meeting", "structure"
    )
    if organisation_ids is not None:
        records = records.filter(Q(buyer_id__in=organisation_ids) | Q(supplier_id__in=organisation_ids))
    return records.order_by("status", "buyer__name", "supplier__name", "id")


def buyer_collaborations(buyers: QuerySet[Organisation], year: int) -> QuerySet[Collaboration]:
    """The collaborations of these buyer organisations dated in `year`, oldest first."""
    return (
        Collaboration.objects.filter(buyer__in=buyers, date__year=year)
        .select_related("buyer", "supplier", "structure")
        .order_by("date", "pk")
    )

"""The collaboration record shared by sourcing and events: one service, audited."""

from __future__ import annotations

from datetime import date as date_type
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.core.audit import log_action
from essaim.core.errors import DomainError

from .models import Collaboration


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

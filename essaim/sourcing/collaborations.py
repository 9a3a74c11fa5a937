"""The collaboration record shared by sourcing, events and insight: one service (audited) and the reads the
other apps use. Events and insight reach collaborations only through this module, never the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as date_type
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.dates import add_months

from .errors import CollaborationError
from .models import Collaboration

# The choices callers pass to `collaboration_record`.
CollaborationSource = Collaboration.Source
CollaborationStatus = Collaboration.Status


@transaction.atomic
def collaboration_record(
    *,
    actor: Actor,
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
    data = {"status": status, "source": source, "supplier": supplier.pk}
    if existing is not None:
        save_changes(
            existing, values, actor=actor, action="collaboration.updated", organisation_id=buyer.pk, data=data
        )
        return existing
    collaboration = Collaboration.objects.create(meeting=meeting, created_by=acting_user(actor), **values)
    log_action(
        actor=actor,
        action="collaboration.recorded",
        target=collaboration,
        organisation_id=buyer.pk,
        data=data,
    )
    return collaboration


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


# --- from a collaboration to the public contract that followed ------------------------------------------

CONTRACT_WINDOW_MONTHS = 18


def reference_date(collaboration: Collaboration) -> date_type:
    """Where the collaboration started: the day of the event of its meeting, the need's publication, else
    the day it was recorded."""
    if collaboration.meeting_id is not None and collaboration.meeting is not None:
        return timezone.localdate(collaboration.meeting.event.starts_at)
    if collaboration.need_id is not None and collaboration.need is not None:
        published = collaboration.need.published_at or collaboration.need.created_at
        return timezone.localdate(published)
    return collaboration.date


def contract_window(collaboration: Collaboration) -> tuple[date_type, date_type]:
    """(after, until): a contract that followed was notified after the start, within 18 months."""
    start = reference_date(collaboration)
    return start, add_months(start, CONTRACT_WINDOW_MONTHS)


def siren_of(organisation: Organisation | None) -> str:
    return (organisation.siren or organisation.siret[:9]) if organisation is not None else ""


@dataclass(frozen=True)
class ContractQuery:
    """What the DECP store is asked for one collaboration: the buyer's contracts held by the structure,
    notified in (after, until]."""

    collaboration_id: int
    buyer_siren: str
    holder_siren: str
    after: date_type
    until: date_type


def collaborations_to_follow(*, organisation_ids: list[int] | None = None) -> QuerySet[Collaboration]:
    """Collaborations of meetings and needs (all of them, or those where one of these organisations is the
    buyer or the supplier), the latest first, with what the contract proposals need."""
    records = Collaboration.objects.select_related(
        "buyer", "supplier", "structure", "meeting__event", "need", "contract_linked_by"
    )
    if organisation_ids is not None:
        records = records.filter(Q(buyer_id__in=organisation_ids) | Q(supplier_id__in=organisation_ids))
    return records.order_by("-date", "-pk")


def contract_queries(collaborations: list[Collaboration]) -> list[ContractQuery]:
    """The proposal queries of the collaborations not linked yet whose buyer and structure have a SIREN."""
    queries = []
    for collaboration in collaborations:
        if collaboration.contract_id:
            continue
        holder = collaboration.structure.siren if collaboration.structure is not None else ""
        holder = holder or siren_of(collaboration.supplier)
        buyer = siren_of(collaboration.buyer)
        if len(holder) == 9 and len(buyer) == 9:
            after, until = contract_window(collaboration)
            queries.append(ContractQuery(collaboration.pk, buyer, holder, after, until))
    return queries


@transaction.atomic
def collaboration_contract_link(
    *,
    actor: Actor,
    collaboration: Collaboration,
    buyer_siret: str,
    contract_id: str,
    notified_on: date_type | None,
    amount: Decimal | float | None,
    object: str = "",  # noqa: A002 - the contract's `objet`, named as in the store
) -> Collaboration:
    """Record the public contract that followed (confirmed by the buyer or a facilitator): it must be a
    contract of the collaboration's buyer (same SIREN), notified after the meeting or the need's
    publication, within 18 months. The collaboration's amount then comes from the contract."""
    buyer_siren = siren_of(collaboration.buyer)
    if not buyer_siren:
        raise CollaborationError(
            "L'acheteur de cette collaboration n'a pas de SIREN : renseignez-le d'abord."
        )
    if len(buyer_siret) != 14 or buyer_siret[:9] != buyer_siren:
        raise CollaborationError(
            "Ce marché n'a pas été passé par l'acheteur de la collaboration.", field="contract"
        )
    after, until = contract_window(collaboration)
    if notified_on is None or not after < notified_on <= until:
        raise CollaborationError(
            f"Ce marché n'a pas été notifié entre le {after:%d/%m/%Y} et le {until:%d/%m/%Y} "
            f"({CONTRACT_WINDOW_MONTHS} mois après le début de la collaboration).",
            field="contract",
        )
    contract_amount = Decimal(str(round(float(amount), 2))) if amount is not None else None
    values: dict[str, Any] = {
        "contract_buyer_siret": buyer_siret,
        "contract_id": contract_id[:100],
        "contract_object": (object or "")[:500],
        "contract_notified_on": notified_on,
        "contract_amount": contract_amount,
        "contract_linked_by": acting_user(actor),
        "contract_linked_at": timezone.now(),
        "status": Collaboration.Status.COLLABORATION,
    }
    if contract_amount is not None:
        values["amount"] = contract_amount
    save_changes(
        collaboration,
        values,
        actor=actor,
        action="collaboration.contract_linked",
        organisation_id=collaboration.buyer_id,
    )
    return collaboration


@transaction.atomic
def collaboration_contract_unlink(*, actor: Actor, collaboration: Collaboration) -> Collaboration:
    """Forget a contract linked by mistake (the amount stays as it was last set)."""
    save_changes(
        collaboration,
        {
            "contract_buyer_siret": "",
            "contract_id": "",
            "contract_object": "",
            "contract_notified_on": None,
            "contract_amount": None,
            "contract_linked_by": None,
            "contract_linked_at": None,
        },
        actor=actor,
        action="collaboration.contract_unlinked",
        organisation_id=collaboration.buyer_id,
    )
    return collaboration


@dataclass(frozen=True)
class OutcomeYear:
    """How many meetings (or needs) of a year led to a collaboration, and to a notified contract."""

    year: int
    source: str  # CollaborationSource value
    collaborations: int
    contracts: int
    contract_amount: Decimal

    @property
    def source_label(self) -> str:
        return str(Collaboration.Source(self.source).label)


def outcomes_by_year(
    *,
    buyers: QuerySet[Organisation] | None = None,
    event_id: int | None = None,
    event_kind: str | None = None,
) -> list[OutcomeYear]:
    """Per year of the meeting (its event's day) or of the need (its publication) and per source: the
    collaborations (state « collaboration ») and those with a confirmed contract, with the contracts'
    amount, the latest year first. Restricted to these buyers, to one event's meetings, or to the
    meetings of the events of one kind (every matinale)."""
    records = collaborations_to_follow().filter(status=Collaboration.Status.COLLABORATION)
    if buyers is not None:
        records = records.filter(buyer__in=buyers)
    if event_id is not None:
        records = records.filter(meeting__event_id=event_id)
    if event_kind is not None:
        records = records.filter(meeting__event__kind=event_kind)
    counts: dict[tuple[int, str], list[Any]] = {}
    for record in records:
        key = (reference_date(record).year, record.source)
        row = counts.setdefault(key, [0, 0, Decimal(0)])
        row[0] += 1
        if record.contract_id:
            row[1] += 1
            row[2] += record.contract_amount or Decimal(0)
    return [
        OutcomeYear(year, source, row[0], row[1], row[2])
        for (year, source), row in sorted(counts.items(), key=lambda item: (-item[0][0], item[0][1]))
    ]

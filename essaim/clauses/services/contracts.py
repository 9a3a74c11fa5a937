"""Contracts with a clause: create, edit (hours owed computed, or set by hand with a reason), lots, co- and
subcontractors, and the organisations behind a SIRET (created when Essaim does not know them yet)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.home import waiting_changed
from essaim.directory.services import organisation_for_siret
from essaim.sourcing.models import Need
from essaim.sourcing.reservation import insertion_hours

from ..errors import ClauseError
from ..models import Contract, ContractLot, ContractParty, LegalBasis

ONE = Decimal(1)


@dataclass(frozen=True)
class ContractData:
    """What a contract says. `hours_owed` None: computed from the figures; a number: set by hand (with
    `hours_owed_reason`)."""

    reference: str
    title: str
    buyer: Organisation
    holder: Organisation
    legal_basis: str
    amount_ht: Decimal
    labour_share: Decimal
    insertion_rate: Decimal
    hourly_cost: Decimal
    start_date: date
    end_date: date
    hours_owed: int | None = None
    hours_owed_reason: str = ""
    facilitator: Any = None
    declarant_email: str = ""


def computed_hours(data: ContractData) -> int:
    """amount × labour share × insertion rate ÷ hourly cost, rounded to the hour."""
    return insertion_hours(data.amount_ht, data.labour_share, data.insertion_rate, data.hourly_cost)


def _check(data: ContractData, contract: Contract | None = None) -> None:
    reference = data.reference.strip()
    if not reference:
        raise ClauseError("Indiquez la référence du marché.", field="reference")
    taken = Contract.objects.filter(reference=reference)
    if contract is not None:
        taken = taken.exclude(pk=contract.pk)
    if taken.exists():
        raise ClauseError("Un marché suivi porte déjà cette référence.", field="reference")
    if not data.title.strip():
        raise ClauseError("Indiquez l'objet du marché.", field="title")
    if data.legal_basis not in LegalBasis.values:
        raise ClauseError("Fondement juridique inconnu.", field="legal_basis")
    if data.buyer.kind != Organisation.Kind.BUYER:
        raise ClauseError("L'acheteur doit être une organisation de type acheteur public.", field="buyer")
    if data.holder.kind == Organisation.Kind.TERRITORY:
        raise ClauseError("Le titulaire ne peut pas être l'équipe du territoire.", field="holder")
    if data.amount_ht < 0:
        raise ClauseError("Le montant ne peut pas être négatif.", field="amount_ht")
    if not 0 <= data.labour_share <= ONE:
        raise ClauseError(
            "La part de main-d'œuvre est comprise entre 0 et 1 (0,5 pour 50 %).", field="labour_share"
        )
    if not 0 <= data.insertion_rate <= ONE:
        raise ClauseError(
            "Le taux d'insertion est compris entre 0 et 1 (0,05 pour 5 %).", field="insertion_rate"
        )
    if data.hourly_cost <= 0:
        raise ClauseError("Le coût horaire doit être positif.", field="hourly_cost")
    if data.end_date < data.start_date:
        raise ClauseError("La fin d'exécution doit suivre le début.", field="end_date")
    if data.hours_owed is not None:
        if data.hours_owed < 0:
            raise ClauseError("Les heures dues ne peuvent pas être négatives.", field="hours_owed")
        if not data.hours_owed_reason.strip():
            raise ClauseError(
                "Expliquez pourquoi les heures dues sont fixées à la main.", field="hours_owed_reason"
            )


def _values(data: ContractData) -> dict[str, Any]:
    manual = data.hours_owed is not None
    return {
        "reference": data.reference.strip(),
        "title": data.title.strip(),
        "buyer": data.buyer,
        "holder": data.holder,
        "legal_basis": data.legal_basis,
        "amount_ht": data.amount_ht,
        "labour_share": data.labour_share,
        "insertion_rate": data.insertion_rate,
        "hourly_cost": data.hourly_cost,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "hours_owed": data.hours_owed if data.hours_owed is not None else computed_hours(data),
        "hours_owed_is_manual": manual,
        "hours_owed_reason": data.hours_owed_reason.strip() if manual else "",
        "facilitator": data.facilitator,
        "declarant_email": data.declarant_email.strip(),
    }


def contract_data_of(contract: Contract) -> ContractData:
    """The data of a stored contract (the hours owed only when they were set by hand)."""
    values = {f.name: getattr(contract, f.name) for f in fields(ContractData)}
    if not contract.hours_owed_is_manual:
        values["hours_owed"] = None
    return ContractData(**values)


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    data: ContractData,
    origin: str = Contract.Origin.MANUAL,
    need: Need | None = None,
    advice_summary: str = "",
    advice_hours: int | None = None,
    decp_buyer_siret: str = "",
    decp_id: str = "",
) -> Contract:
    _check(data)
    contract = Contract.objects.create(
        **_values(data),
        origin=origin,
        need=need,
        advice_summary=advice_summary[:300],
        advice_hours=advice_hours,
        decp_buyer_siret=decp_buyer_siret,
        decp_id=decp_id[:40],
    )
    log_action(
        actor=actor,
        action="clauses.contract.created",
        target=contract,
        organisation_id=contract.buyer_id,
        data={"origin": origin, "hours_owed": contract.hours_owed, "manual": contract.hours_owed_is_manual},
    )
    waiting_changed(organisations=[contract.holder_id])
    return contract


@transaction.atomic
def contract_update(*, actor: Actor, contract: Contract, data: ContractData) -> list[str]:
    """Save what changed (hours owed recomputed unless set by hand); the reason of a manual figure is kept
    in the contract and in the audit log. Returns the changed field names."""
    _check(data, contract)
    values = _values(data)
    changed = save_changes(
        contract, values, actor=actor, action="clauses.contract.updated", organisation_id=contract.buyer_id
    )
    if "hours_owed" in changed or "hours_owed_is_manual" in changed:
        log_action(
            actor=actor,
            action="clauses.contract.hours_owed_set",
            target=contract,
            organisation_id=contract.buyer_id,
            data={
                "hours_owed": contract.hours_owed,
                "manual": contract.hours_owed_is_manual,
                "reason": contract.hours_owed_reason,
            },
        )
    return changed


@transaction.atomic
def contract_save(
    *,
    actor: Actor,
    contract: Contract | None,
    values: dict[str, Any],
    holder: Organisation | None = None,
    holder_siret: str = "",
    holder_name: str = "",
    **origin: Any,
) -> Contract:
    """Create (`contract` None, with its `origin` fields) or update a contract from a form: the holder is
    the organisation chosen, else the one of `holder_siret` (created when Essaim does not know it)."""
    if holder is None:
        if not holder_siret.strip():
            raise ClauseError("Choisissez le titulaire ou indiquez son SIRET.", field="holder")
        holder = organisation_for_siret(
            actor=actor,
            siret=holder_siret,
            kind=Organisation.Kind.SUPPLIER,
            name=holder_name,
            field="holder_siret",
        )
    data = ContractData(holder=holder, **values)
    if contract is None:
        return contract_create(actor=actor, data=data, **origin)
    contract_update(actor=actor, contract=contract, data=data)
    return contract


# --- lots and parties ----------------------------------------------------------------------------------------


@transaction.atomic
def contract_lot_add(
    *, actor: Actor, contract: Contract, number: int, title: str, amount_ht: Decimal | None = None
) -> ContractLot:
    if not title.strip():
        raise ClauseError("Indiquez l'intitulé du lot.", field="title")
    if number < 1:
        raise ClauseError("Les lots sont numérotés à partir de 1.", field="number")
    if contract.lots.filter(number=number).exists():
        raise ClauseError(f"Le lot {number} existe déjà.", field="number")
    if amount_ht is not None and amount_ht < 0:
        raise ClauseError("Le montant ne peut pas être négatif.", field="amount_ht")
    lot = ContractLot.objects.create(
        contract=contract, number=number, title=title.strip(), amount_ht=amount_ht
    )
    log_action(actor=actor, action="clauses.lot.added", target=contract, data={"lot": number})
    return lot


@transaction.atomic
def contract_party_add(
    *,
    actor: Actor,
    contract: Contract,
    role: str,
    siret: str = "",
    name: str = "",
    organisation: Organisation | None = None,
) -> ContractParty:
    """A co-contractor or subcontractor: an organisation Essaim knows, or the one of `siret` (created when
    Essaim does not know it yet)."""
    if role not in ContractParty.Role.values:
        raise ClauseError("Rôle inconnu : cotraitant ou sous-traitant.", field="role")
    if organisation is None:
        organisation = organisation_for_siret(
            actor=actor, siret=siret, kind=Organisation.Kind.SUPPLIER, name=name
        )
    if organisation.pk == contract.holder_id:
        raise ClauseError("Le titulaire du marché ne peut pas être son propre cotraitant.", field="siret")
    if contract.parties.filter(organisation=organisation).exists():
        raise ClauseError(
            f"{organisation.name} est déjà cotraitant ou sous-traitant du marché.", field="siret"
        )
    party = ContractParty.objects.create(contract=contract, organisation=organisation, role=role)
    log_action(
        actor=actor,
        action="clauses.party.added",
        target=contract,
        data={"organisation": organisation.pk, "role": role},
    )
    return party


@transaction.atomic
def contract_party_remove(*, actor: Actor, party: ContractParty) -> None:
    contract = party.contract
    log_action(
        actor=actor,
        action="clauses.party.removed",
        target=contract,
        data={"organisation": party.organisation_id, "role": party.role},
    )
    party.delete()


@transaction.atomic
def contract_lot_remove(*, actor: Actor, lot: ContractLot) -> None:
    log_action(actor=actor, action="clauses.lot.removed", target=lot.contract, data={"lot": lot.number})
    lot.delete()

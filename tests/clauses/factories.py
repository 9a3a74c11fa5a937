"""Builders for the social clauses tests: valid SIRETs, contracts, participants, missions, declarations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from stdnum import luhn

from essaim.accounts.models import Organisation
from essaim.clauses import services
from essaim.clauses.models import Contract, Declaration, Mission, MonthlyStatement, Participant


def siret_of(siren: str, nic: int = 1) -> str:
    """A SIRET of `siren` with a valid Luhn key."""
    head = f"{siren}{nic:04d}"
    return head + luhn.calc_check_digit(head)


def make_contract(
    buyer: Organisation,
    holder: Organisation,
    *,
    reference: str = "2025-TX-001",
    title: str = "Rénovation du groupe scolaire Joliot-Curie",
    amount_ht: str = "1000000",
    labour_share: str = "0.5",
    insertion_rate: str = "0.05",
    hourly_cost: str = "30",
    start: date = date(2025, 1, 1),
    end: date = date(2026, 12, 31),
    legal_basis: str = "condition-execution",
    hours_owed: int | None = None,
    reason: str = "",
    **extra: Any,
) -> Contract:
    data = services.ContractData(
        reference=reference,
        title=title,
        buyer=buyer,
        holder=holder,
        legal_basis=legal_basis,
        amount_ht=Decimal(amount_ht),
        labour_share=Decimal(labour_share),
        insertion_rate=Decimal(insertion_rate),
        hourly_cost=Decimal(hourly_cost),
        start_date=start,
        end_date=end,
        hours_owed=hours_owed,
        hours_owed_reason=reason,
        **extra,
    )
    return services.contract_create(actor=None, data=data)


def make_participant(
    *,
    eligibility: str = "rsa",
    sex: str = "F",
    birth_year: int | None = 1990,
    qpv: bool | None = True,
    first_name: str = "Awa",
    last_name: str = "Diallo",
    reference: str = "",
) -> Participant:
    participant = services.participant_create(
        actor=None,
        reference=reference,
        profile=services.ProfileData(sex=sex, birth_year=birth_year, qpv=qpv, prescriber="plie"),
        identity=services.IdentityData(
            first_name=first_name,
            last_name=last_name,
            birth_date=date(birth_year or 1990, 5, 17),
            email="awa.diallo@exemple.fr",
            phone="06 00 00 00 00",
            address="12 rue de la Paix, 94400 Vitry-sur-Seine",
        ),
    )
    if eligibility:
        services.eligibility_validate(actor=None, participant=participant, eligibility=eligibility)
    return participant


def make_mission(contract: Contract, participant: Participant, modality: str = "embauche-directe") -> Mission:
    return services.mission_create(actor=None, contract=contract, participant=participant, modality=modality)


def declare(
    mission: Mission, month: date, hours: str | int, training: str | int = 0, channel: str = "compte"
) -> Declaration:
    """Declare one line for one month (the month's other lines are kept as they are)."""
    statement = MonthlyStatement.objects.filter(contract=mission.contract, month=month).first()
    lines = [
        services.Line(mission=d.mission, hours=d.hours, training_hours=d.training_hours)
        for d in (statement.declarations.exclude(mission=mission) if statement else [])
    ]
    lines.append(services.Line(mission=mission, hours=Decimal(hours), training_hours=Decimal(training)))
    services.statement_submit(
        actor=None, contract=mission.contract, month=month, lines=lines, channel=channel
    )
    return Declaration.objects.get(mission=mission, month=month)

"""Reads of the social clauses capability: contracts visible to someone, a contract's page (progress,
months, modalities, missions), the months to declare or to validate, participants and the access log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.perms import is_facilitator

from .models import (
    Contract,
    Declaration,
    IdentityRead,
    Mission,
    Modality,
    MonthlyStatement,
    Participant,
    ParticipantIdentity,
)
from .progress import Progress, add_months, month_range, month_start, progress

ZERO = Decimal(0)
REMINDER_DAY = 10


def organisation_ids(user: Any) -> list[int]:
    return list(memberships_by_organisation(user))


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    """Facilitators: every contract; others: the contracts their organisations hold or bought."""
    contracts = Contract.objects.select_related("buyer", "holder", "facilitator")
    if is_facilitator(user):
        return contracts
    ids = organisation_ids(user)
    return contracts.filter(Q(holder_id__in=ids) | Q(buyer_id__in=ids))


def contract_queryset() -> QuerySet[Contract]:
    return Contract.objects.select_related("buyer", "holder", "facilitator", "need")


def declaration_deadline(month: date) -> date:
    """The day after which a month without a declaration is late (and reminded): the 10th of the next month."""
    return add_months(month, 1).replace(day=REMINDER_DAY)


def is_late(month: date, today: date) -> bool:
    return today > declaration_deadline(month)


def last_declarable_month(contract: Contract, today: date) -> date:
    return min(month_start(today), month_start(contract.end_date))


@dataclass
class MonthRow:
    month: date
    hours: Decimal
    training_hours: Decimal
    lines: int
    statement: MonthlyStatement | None
    late: bool

    @property
    def status(self) -> str:
        if self.statement is not None and self.statement.is_validated:
            return "validé"
        if self.statement is not None and self.statement.is_submitted:
            return "déclaré, à valider"
        return "en retard" if self.late else "à déclarer"

    @property
    def missing(self) -> bool:
        return self.statement is None or not self.statement.is_submitted


@dataclass
class ContractPage:
    contract: Contract
    progress: Progress
    months: list[MonthRow]
    hours_by_modality: list[tuple[str, str, Decimal]]
    missions: list[Any] = field(default_factory=list)

    @property
    def late_months(self) -> list[MonthRow]:
        return [row for row in self.months if row.missing and row.late]

    @property
    def participants(self) -> int:
        return len({m.participant_id for m in self.missions})


def month_rows(contract: Contract, today: date) -> list[MonthRow]:
    """Every month of the contract from its start to the current month (or its end), with its hours."""
    sums: dict[date, Any] = {
        row["month"]: row
        for row in Declaration.objects.filter(mission__contract=contract)
        .values("month")
        .annotate(h=Sum("hours"), t=Sum("training_hours"), n=Count("id"))
    }
    statements = {s.month: s for s in contract.statements.all()}
    rows = []
    for month in month_range(contract.start_date, last_declarable_month(contract, today)):
        found = sums.get(month, {})
        rows.append(
            MonthRow(
                month=month,
                hours=found.get("h") or ZERO,
                training_hours=found.get("t") or ZERO,
                lines=found.get("n") or 0,
                statement=statements.get(month),
                late=is_late(month, today),
            )
        )
    return rows


def contract_page(contract: Contract, *, today: date | None = None) -> ContractPage:
    today = today or timezone.localdate()
    months = month_rows(contract, today)
    done = sum((row.hours for row in months), ZERO)
    training = sum((row.training_hours for row in months), ZERO)
    by_modality = {
        row["mission__modality"]: row["h"] or ZERO
        for row in Declaration.objects.filter(mission__contract=contract)
        .values("mission__modality")
        .annotate(h=Sum("hours"))
    }
    missions = list(
        contract.missions.select_related("participant", "employer")
        .annotate(worked=Sum("declarations__hours"), trained=Sum("declarations__training_hours"))
        .order_by("participant__reference")
    )
    return ContractPage(
        contract=contract,
        progress=progress(
            hours_owed=contract.hours_owed,
            start=contract.start_date,
            end=contract.end_date,
            hours_done=done,
            training_hours=training,
            today=today,
        ),
        months=months,
        hours_by_modality=[(slug, label, by_modality.get(slug, ZERO)) for slug, label in Modality.choices],
        missions=missions,
    )


def contract_progress(contracts: list[Contract], *, today: date | None = None) -> dict[int, Progress]:
    """The progress of several contracts (two queries)."""
    today = today or timezone.localdate()
    sums = {
        row["mission__contract_id"]: (row["h"] or ZERO, row["t"] or ZERO)
        for row in Declaration.objects.filter(mission__contract__in=[c.pk for c in contracts])
        .values("mission__contract_id")
        .annotate(h=Sum("hours"), t=Sum("training_hours"))
    }
    return {
        c.pk: progress(
            hours_owed=c.hours_owed,
            start=c.start_date,
            end=c.end_date,
            hours_done=sums.get(c.pk, (ZERO, ZERO))[0],
            training_hours=sums.get(c.pk, (ZERO, ZERO))[1],
            today=today,
        )
        for c in contracts
    }


def missions_for_month(contract: Contract, month: date) -> list[Mission]:
    """The missions of the contract running in `month` (or with a line already declared for it)."""
    first = month_start(month)
    last = add_months(first, 1)
    running = Q(started_on__isnull=True) | Q(started_on__lt=last)
    not_over = Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    declared = Q(declarations__month=first)
    return list(
        contract.missions.filter((running & not_over) | declared)
        .select_related("participant")
        .prefetch_related(Prefetch("declarations", queryset=Declaration.objects.filter(month=first)))
        .distinct()
        .order_by("participant__reference")
    )


def statement_of(contract: Contract, month: date) -> MonthlyStatement | None:
    return MonthlyStatement.objects.filter(contract=contract, month=month_start(month)).first()


def statements_to_validate() -> QuerySet[MonthlyStatement]:
    return (
        MonthlyStatement.objects.filter(submitted_at__isnull=False, validated_at__isnull=True)
        .select_related("contract", "contract__holder", "contract__buyer")
        .annotate(hours=Sum("declarations__hours"), training=Sum("declarations__training_hours"))
        .order_by("month", "contract__reference")
    )


@dataclass(frozen=True)
class LateMonth:
    contract: Contract
    month: date


def late_months(*, today: date | None = None, contracts: QuerySet[Contract] | None = None) -> list[LateMonth]:
    """Months of running contracts past their deadline (the 10th of the next month) and not declared."""
    today = today or timezone.localdate()
    candidates = (contracts if contracts is not None else Contract.objects.all()).filter(
        start_date__lte=today, end_date__gte=add_months(today, -2)
    )
    candidates = candidates.select_related("holder").prefetch_related(
        Prefetch("statements", queryset=MonthlyStatement.objects.filter(submitted_at__isnull=False))
    )
    found = []
    for contract in candidates:
        declared = {s.month for s in contract.statements.all()}
        for month in month_range(contract.start_date, last_declarable_month(contract, today)):
            if month not in declared and is_late(month, today):
                found.append(LateMonth(contract, month))
    return found


def participant_queryset() -> QuerySet[Participant]:
    return Participant.objects.select_related("eligibility_validated_by")


def participant_missions(participant: Participant) -> list[Mission]:
    return list(
        participant.missions.select_related("contract", "contract__buyer", "contract__holder", "employer")
        .annotate(worked=Sum("declarations__hours"), trained=Sum("declarations__training_hours"))
        .order_by("contract__reference")
    )


def participant_record(participant: Participant, identity: ParticipantIdentity | None) -> dict[str, Any]:
    """Everything kept about a participant (right of access): `identity` is read by the caller, through
    `services.identity_read`, so that the read is logged."""
    missions = participant.missions.select_related(
        "contract", "contract__holder", "employer"
    ).prefetch_related("declarations")
    return {
        "reference": participant.reference,
        "identite": (
            {
                "prenom": identity.first_name,
                "nom": identity.last_name,
                "date_de_naissance": identity.birth_date.isoformat() if identity.birth_date else None,
                "adresse_electronique": identity.email,
                "telephone": identity.phone,
                "adresse": identity.address,
            }
            if identity is not None
            else None
        ),
        "identite_supprimee_le": participant.identity_removed_at.isoformat()
        if participant.identity_removed_at
        else None,
        "sexe": participant.sex,
        "annee_de_naissance": participant.birth_year,
        "reside_en_qpv": participant.qpv,
        "public_eligible": participant.get_eligibility_display() if participant.eligibility else None,
        "eligibilite_validee_le": participant.eligibility_validated_on.isoformat()
        if participant.eligibility_validated_on
        else None,
        "prescripteur": participant.get_prescriber_display() if participant.prescriber else None,
        "structure_prescriptrice": participant.prescriber_name,
        "missions": [
            {
                "marche": mission.contract.reference,
                "objet": mission.contract.title,
                "titulaire": mission.contract.holder.name,
                "modalite": mission.get_modality_display(),
                "employeur": mission.employer.name if mission.employer else None,
                "debut": mission.started_on.isoformat() if mission.started_on else None,
                "fin": mission.ended_on.isoformat() if mission.ended_on else None,
                "situation_a_la_sortie": mission.get_exit_situation_display()
                if mission.exit_situation
                else None,
                "situation_a_six_mois": mission.get_six_months_situation_display()
                if mission.six_months_situation
                else None,
                "heures": [
                    {
                        "mois": f"{d.month:%Y-%m}",
                        "heures_travaillees": str(d.hours),
                        "heures_de_formation": str(d.training_hours),
                    }
                    for d in sorted(mission.declarations.all(), key=lambda d: d.month)
                ],
            }
            for mission in missions
        ],
        "lectures_de_l_identite": [
            {
                "le": read.read_at.isoformat(),
                "par": read.reader_label,
                "page": read.page,
                "donnees": read.fields,
            }
            for read in participant.identity_reads.all()
        ],
    }


def identity_reads(*, participant: Participant | None = None, limit: int = 200) -> list[IdentityRead]:
    reads = IdentityRead.objects.select_related("participant", "reader")
    if participant is not None:
        reads = reads.filter(participant=participant)
    return list(reads[:limit])

"""Monthly declarations of hours: the holder (through its account or the signed monthly link) declares a
month of a contract, a facilitator validates it; every change of hours already declared is audited.

A month can be declared until a facilitator validates it; after that only a facilitator corrects a line,
with a reason. The audit log records old and new hours with the participant's reference, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.core.audit import log_action
from essaim.core.home import waiting_changed

from ..errors import ClauseError, StatementLockedError
from ..models import MAX_MONTHLY_HOURS, Contract, Declaration, Mission, MonthlyStatement
from ..progress import month_start

ZERO = Decimal(0)


@dataclass(frozen=True)
class Line:
    """The hours of one participant (through its mission) in the declared month."""

    mission: Mission
    hours: Decimal
    training_hours: Decimal = ZERO


def check_month(contract: Contract, month: date, *, today: date | None = None) -> date:
    """The first day of `month`, if it is a month of the contract that has begun; a French error otherwise."""
    first = month_start(month)
    if first < month_start(contract.start_date) or first > contract.end_date:
        raise ClauseError(
            f"Le mois {first:%m/%Y} est en dehors de l'exécution du marché "
            f"({contract.start_date:%d/%m/%Y} – {contract.end_date:%d/%m/%Y}).",
            field="month",
        )
    if first > month_start(today or timezone.localdate()):
        raise ClauseError("On ne déclare pas les heures d'un mois qui n'a pas commencé.", field="month")
    return first


def check_hours(hours: Decimal, training_hours: Decimal, *, label: str = "") -> None:
    prefix = f"{label} : " if label else ""
    for value, field in ((hours, "hours"), (training_hours, "training_hours")):
        if value < 0:
            raise ClauseError(f"{prefix}les heures ne peuvent pas être négatives.", field=field)
        if value > MAX_MONTHLY_HOURS:
            raise ClauseError(
                f"{prefix}plus de {MAX_MONTHLY_HOURS} heures dans le mois pour une personne : vérifiez.",
                field=field,
            )


def _statement(contract: Contract, month: date) -> MonthlyStatement:
    statement, _ = MonthlyStatement.objects.get_or_create(contract=contract, month=month)
    return MonthlyStatement.objects.select_for_update().get(pk=statement.pk)


def _write_line(*, actor: Actor, statement: MonthlyStatement, line: Line, reason: str = "") -> str:
    """Create or change one declaration; returns "created", "updated" or "unchanged"."""
    hours = line.hours.quantize(Decimal("0.01"))
    training = line.training_hours.quantize(Decimal("0.01"))
    existing = Declaration.objects.filter(mission=line.mission, month=statement.month).first()
    if existing is None:
        Declaration.objects.create(
            statement=statement,
            mission=line.mission,
            month=statement.month,
            hours=hours,
            training_hours=training,
        )
        return "created"
    if existing.hours == hours and existing.training_hours == training:
        return "unchanged"
    log_action(
        actor=actor,
        action="clauses.declaration.corrected",
        target=existing,
        organisation_id=statement.contract.holder_id,
        data={
            "participant": line.mission.participant.reference,
            "month": f"{statement.month:%Y-%m}",
            "hours": [str(existing.hours), str(hours)],
            "training_hours": [str(existing.training_hours), str(training)],
            **({"reason": reason} if reason else {}),
        },
    )
    existing.hours, existing.training_hours = hours, training
    existing.save(update_fields=["hours", "training_hours", "updated_at"])
    return "updated"


@transaction.atomic
def statement_submit(
    *,
    actor: Actor,
    contract: Contract,
    month: date,
    lines: list[Line],
    channel: str,
) -> MonthlyStatement:
    """Declare the hours of a month (possibly none: "nobody worked on the clause this month")."""
    if channel not in MonthlyStatement.Channel.values:
        raise ClauseError("Canal de déclaration inconnu.")
    first = check_month(contract, month)
    seen: set[int] = set()
    for line in lines:
        if line.mission.contract_id != contract.pk:
            raise ClauseError("Une ligne ne concerne pas ce marché.")
        if line.mission.pk in seen:
            raise ClauseError(f"{line.mission.participant.reference} figure deux fois dans le relevé.")
        seen.add(line.mission.pk)
        check_hours(line.hours, line.training_hours, label=line.mission.participant.reference)
    statement = _statement(contract, first)
    if statement.is_validated:
        raise StatementLockedError
    outcomes = [_write_line(actor=actor, statement=statement, line=line) for line in lines]
    statement.submitted_at = timezone.now()
    statement.submitted_by = acting_user(actor)
    statement.channel = channel
    statement.save(update_fields=["submitted_at", "submitted_by", "channel", "updated_at"])
    log_action(
        actor=actor,
        action="clauses.statement.submitted",
        target=statement,
        organisation_id=contract.holder_id,
        data={
            "month": f"{first:%Y-%m}",
            "channel": channel,
            "lines": len(lines),
            "changed": sum(outcome == "updated" for outcome in outcomes),
        },
    )
    waiting_changed(organisations=[contract.holder_id], facilitators=True)
    return statement


@transaction.atomic
def statement_validate(*, actor: Actor, statement: MonthlyStatement) -> MonthlyStatement:
    statement = MonthlyStatement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_submitted:
        raise ClauseError("Ce mois n'a pas encore été déclaré par le titulaire.")
    if statement.is_validated:
        raise ClauseError("Ce relevé est déjà validé.")
    statement.validated_at = timezone.now()
    statement.validated_by = acting_user(actor)
    statement.save(update_fields=["validated_at", "validated_by", "updated_at"])
    log_action(
        actor=actor,
        action="clauses.statement.validated",
        target=statement,
        organisation_id=statement.contract.holder_id,
        data={"month": f"{statement.month:%Y-%m}"},
    )
    waiting_changed(facilitators=True)
    return statement


@transaction.atomic
def declaration_correct(
    *, actor: Actor, declaration: Declaration, hours: Decimal, training_hours: Decimal, reason: str
) -> Declaration:
    """A facilitator corrects one line (validated or not); the old and new hours and the reason are audited."""
    if not reason.strip():
        raise ClauseError("Indiquez le motif de la correction.", field="reason")
    check_hours(hours, training_hours)
    statement = (
        MonthlyStatement.objects.select_for_update()
        .select_related("contract")
        .get(pk=declaration.statement_id)
    )
    _write_line(
        actor=actor,
        statement=statement,
        line=Line(mission=declaration.mission, hours=hours, training_hours=training_hours),
        reason=reason.strip(),
    )
    declaration.refresh_from_db()
    return declaration


@transaction.atomic
def declaration_import(
    *, actor: Actor, mission: Mission, month: date, hours: Decimal, training_hours: Decimal
) -> str:
    """One imported line (the facilitators' spreadsheet): the month is created as imported and validated
    when it did not exist; a line already stored is replaced. Returns created / updated / unchanged."""
    first = check_month(mission.contract, month)
    check_hours(hours, training_hours)
    statement = _statement(mission.contract, first)
    if not statement.is_submitted:
        now = timezone.now()
        statement.submitted_at = statement.validated_at = now
        statement.submitted_by = statement.validated_by = acting_user(actor)
        statement.channel = MonthlyStatement.Channel.IMPORT
        statement.save(
            update_fields=[
                "submitted_at",
                "validated_at",
                "submitted_by",
                "validated_by",
                "channel",
                "updated_at",
            ]
        )
    waiting_changed(organisations=[mission.contract.holder_id], facilitators=True)
    return _write_line(
        actor=actor,
        statement=statement,
        line=Line(mission=mission, hours=hours, training_hours=training_hours),
        reason="import",
    )


@transaction.atomic
def statement_mark_sent(*, statement_id: int, reminder: bool) -> None:
    """Record that the monthly link (or its reminder) went out, so that it goes out once."""
    field = "reminded_at" if reminder else "link_sent_at"
    MonthlyStatement.objects.filter(pk=statement_id).update(**{field: timezone.now()})

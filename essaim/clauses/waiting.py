"""What the social clauses capability puts on a person's home page (`essaim.core.home`): for a contract's
holder, the months whose hours are due (the month is over and not declared yet), late or not; for the
facilitators, the declared months waiting for their validation."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Prefetch, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essaim.core.home import FACILITATOR, ITEMS_PER_PROVIDER, Viewer, WaitingItem

from .models import Contract, MonthlyStatement
from .progress import add_months, month_range, month_start
from .selectors import declaration_deadline, is_late

SECTION = "clauses:home"


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    items = _months_to_declare(viewer) if viewer.organisation is not None else []
    if viewer.role == FACILITATOR:
        items += _statements_to_validate()
    return items


def _months_to_declare(viewer: Viewer) -> list[WaitingItem]:
    today = timezone.localdate()
    this_month = month_start(today)
    contracts = (
        # Contracts over for more than two months are the facilitators' business (`late_months`).
        Contract.objects.filter(
            holder=viewer.organisation, start_date__lt=this_month, end_date__gte=add_months(today, -2)
        )
        .prefetch_related(
            Prefetch("statements", queryset=MonthlyStatement.objects.filter(submitted_at__isnull=False))
        )
        .order_by("reference")
    )
    items = []
    for contract in contracts:
        declared = {statement.month for statement in contract.statements.all()}
        last_over = min(add_months(this_month, -1), month_start(contract.end_date))
        for month in month_range(contract.start_date, last_over):
            if month in declared:
                continue
            deadline = declaration_deadline(month)
            items.append(
                WaitingItem(
                    kind="Heures d'insertion à déclarer",
                    title=f"{date_format(month, 'F Y').capitalize()} — {contract.reference}, {contract.title}",
                    detail=(
                        f"En retard : à déclarer avant le {date_format(deadline, 'j F Y')}."
                        if is_late(month, today)
                        else f"À déclarer avant le {date_format(deadline, 'j F Y')}."
                    ),
                    action="Déclarer les heures",
                    url=reverse("clauses:statement_edit", args=[contract.pk, month.year, month.month]),
                    since=_start_of(add_months(month, 1)),
                    section=SECTION,
                )
            )
    items.sort(key=lambda item: item.since, reverse=True)
    return items[:ITEMS_PER_PROVIDER]


def _statements_to_validate() -> list[WaitingItem]:
    statements = (
        MonthlyStatement.objects.filter(submitted_at__isnull=False, validated_at__isnull=True)
        .select_related("contract", "contract__holder")
        .annotate(hours=Sum("declarations__hours"))
        .order_by("-submitted_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Relevé d'heures à valider",
            title=(
                f"{date_format(statement.month, 'F Y').capitalize()} — {statement.contract.reference}, "
                f"{statement.contract.holder.name}"
            ),
            detail=f"{statement.hours or 0} heures déclarées.",
            action="Relire et valider",
            url=reverse("clauses:contract_detail", args=[statement.contract_id]),
            since=statement.submitted_at or statement.updated_at,
            section=SECTION,
        )
        for statement in statements
    ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))

"""The monthly link and the reminder (`essaim clauses_remind`, run daily).

- From the 1st of a month, the holder of every contract running in the month just over receives the signed
  link to declare it (once per contract and month: `MonthlyStatement.link_sent_at`).
- After the 10th of the next month, a month still not declared is reminded once (`reminded_at`), with the
  same link. Months late before the command ran (a missed day) are caught up, over the last three months.

Recipients: the contract's address for monthly statements, else the active administrators of the holder.
The emails name the contract and the month, never a person.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Membership, User
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail

from ..links import statement_token
from ..models import Contract, MonthlyStatement
from ..progress import add_months, month_start
from ..selectors import late_months

CATCH_UP_MONTHS = 3  # months late before that are flagged on the pages, not emailed again and again


def declarants(contract: Contract) -> list[str]:
    if contract.declarant_email:
        return [contract.declarant_email]
    return sorted(
        User.objects.filter(
            memberships__organisation_id=contract.holder_id,
            memberships__role=Membership.Role.ADMIN,
            is_active=True,
        ).values_list("email", flat=True)
    )


def deadline_of(month: date) -> date:
    return add_months(month, 1).replace(day=10)


def _send(contract: Contract, month: date, *, reminder: bool) -> bool:
    to = declarants(contract)
    if not to:
        return False
    link = absolute_url(reverse("clauses:statement_link", args=[statement_token(contract, month)]))
    send_mail(
        template=f"clauses/emails/statement_{'reminder' if reminder else 'link'}",
        to=to,
        context={"contract": contract, "month": month, "deadline": deadline_of(month), "link": link},
    )
    return True


@transaction.atomic
def monthly_links_send(*, today: date | None = None) -> int:
    """Send the link for the month just over to every contract running in it (once). Returns how many."""
    today = today or timezone.localdate()
    month = add_months(today, -1)
    sent = 0
    for contract in Contract.objects.filter(
        start_date__lt=month_start(today), end_date__gte=month
    ).select_related("holder"):
        statement, _ = MonthlyStatement.objects.select_for_update().get_or_create(
            contract=contract, month=month
        )
        if statement.link_sent_at is not None or statement.is_submitted:
            continue
        if _send(contract, month, reminder=False):
            statement.link_sent_at = timezone.now()
            statement.save(update_fields=["link_sent_at", "updated_at"])
            sent += 1
    return sent


@transaction.atomic
def reminders_send(*, today: date | None = None) -> int:
    """Remind once every month past its deadline (the 10th of the next month) and still not declared."""
    today = today or timezone.localdate()
    sent = 0
    oldest = add_months(today, -CATCH_UP_MONTHS)
    for late in late_months(today=today):
        if late.month < oldest:
            continue
        statement, _ = MonthlyStatement.objects.select_for_update().get_or_create(
            contract=late.contract, month=late.month
        )
        if statement.reminded_at is not None or statement.is_submitted:
            continue
        if _send(late.contract, late.month, reminder=True):
            statement.reminded_at = timezone.now()
            statement.save(update_fields=["reminded_at", "updated_at"])
            sent += 1
    return sent

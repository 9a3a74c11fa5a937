"""The signed, password-less monthly link a holder (or its ETTI/SIAE) uses to declare a month of hours.

The token names the contract and the month, signed with the site's secret and dated: it expires after
`settings.CLAUSES_LINK_MAX_AGE_DAYS` (62 days by default, long enough for the reminder after the 10th).
Whoever has the link can declare that month of that contract only, until a facilitator validates it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core import signing

from .models import Contract

SALT = "essaim.clauses.statement-link"


def statement_token(contract: Contract, month: date) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{contract.pk}:{month:%Y-%m}")


def statement_from_token(token: str) -> tuple[Contract, date] | None:
    """The contract and month a link was made for, or None when it was altered, has expired or is unknown."""
    max_age = timedelta(days=getattr(settings, "CLAUSES_LINK_MAX_AGE_DAYS", 62))
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
        pk, month = value.split(":")
        first = date.fromisoformat(f"{month}-01")
    except (signing.BadSignature, ValueError):
        return None
    contract = Contract.objects.select_related("holder", "buyer").filter(pk=pk).first()
    return (contract, first) if contract is not None else None

"""Figures written the French way, and the « contracts won » block of a directory profile.

`{% load insight_tags %}{% contracts_won structure.siren %}` lists the public contracts a structure won
(from the DECP store), nothing when it has no SIREN, and a sentence saying the data is unavailable when this
server cannot read the store (rather than a silent "no contract").
"""

from __future__ import annotations

from typing import Any

from django import template

from essaim.insight.errors import StoreUnavailable
from essaim.insight.selectors import contracts_won_by

register = template.Library()

NNBSP = "\u202f"  # narrow no-break space: the French thousands separator


def _grouped(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    """12345.6 -> « 12 346 » (decimals=0) or « 12 345,60 » (decimals=2)."""
    if value is None or value == "":
        return "—"
    return _grouped(float(value), int(decimals))


@register.filter
def euros(value: Any) -> str:
    """12345.6 -> « 12 346 € »; None -> « — »."""
    if value is None or value == "":
        return "—"
    return f"{_grouped(float(value), 0)}\u00a0€"


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """0.1234 -> « 12,3 % »."""
    if value is None or value == "":
        return "—"
    return f"{_grouped(float(value) * 100, int(decimals))}\u00a0%"


@register.filter
def signed_points(value: Any) -> str:
    """A difference of shares in percentage points: 0.052 -> « +5,2 points »."""
    if value is None:
        return "—"
    points = float(value) * 100
    return f"{'+' if points >= 0 else '−'}{_grouped(abs(points), 1)}\u00a0points"


@register.filter
def signed(value: Any) -> str:
    if value is None:
        return "—"
    number_ = float(value)
    return f"{'+' if number_ >= 0 else '−'}{_grouped(abs(number_), 0)}"


@register.inclusion_tag("insight/includes/contracts_won.html")
def contracts_won(siren: str, limit: int = 10) -> dict[str, Any]:
    try:
        contracts, total = contracts_won_by(siren, limit)
    except StoreUnavailable:
        return {"contracts": [], "total": 0, "unavailable": True}
    return {"contracts": contracts, "total": total, "unavailable": False}

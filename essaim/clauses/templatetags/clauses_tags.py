"""Figures of the social clauses pages: counts of people that may be hidden (« < 5 »), hours, shares."""

from __future__ import annotations

from typing import Any

from django import template

from essaim.insight.templatetags.insight_tags import number

from ..secrecy import MASK

register = template.Library()


@register.filter
def people(value: Any) -> str:
    """A count of people as shown: « < 5 » stays as it is, numbers are grouped the French way."""
    if value == MASK:
        return MASK
    return number(value)


@register.filter
def hours(value: Any) -> str:
    """Hours with up to two decimals: 12.5 -> « 12,5 », 120 -> « 120 »."""
    if value is None or value == "":
        return "—"
    as_float = float(value)
    if as_float == int(as_float):
        return number(as_float)
    return number(as_float, 2).rstrip("0").rstrip(",")

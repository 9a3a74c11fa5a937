"""Matching a pooling request to offers (kind, place, dates). Pure: no Django import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

Moment = TypeVar("Moment", date, datetime)


@dataclass(frozen=True)
class Wanted:
    kind: str
    commune_code: str | None
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Offered:
    kind: str
    # Communes the offer serves; None when it serves everywhere (no place given).
    commune_codes: frozenset[str] | None
    available_from: date | None
    available_until: date | None


def offer_matches(wanted: Wanted, offered: Offered) -> bool:
    """Same kind, the place is served, and the offer is available for part of the wanted dates."""
    if wanted.kind != offered.kind:
        return False
    if wanted.commune_code and offered.commune_codes is not None:
        if wanted.commune_code not in offered.commune_codes:
            return False
    if offered.available_from and offered.available_from > wanted.ends_on:
        return False
    if offered.available_until and offered.available_until < wanted.starts_on:
        return False
    return True


def periods_overlap(start_a: Moment, end_a: Moment, start_b: Moment, end_b: Moment) -> bool:
    """Half-open periods [start, end) overlap when each starts before the other ends."""
    return start_a < end_b and start_b < end_a

"""The renewal radar: marchés of a buyer (SIRET, SIREN or `epci:SIREN` group) ending in a window.

DuckDB only (no Django): `ends_on` is computed at import (`decp_cleaning.end_date`: notification date +
the duration of the latest modification that sets one, else the contract's own). Concessions are not
listed. The store keeps one row per (buyer_siret, id), so a marché appears once, as in the indicators.
What the directory knows (the sector's local structures, holder names, the reservation advice) is added
by `selectors.renewals_for`.
"""

# SQL text is built from the declared table names (tables.py) and the buyer filter of indicators.py
# only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from essaim.core.dates import add_months

from .errors import InsightError
from .indicators import SirenResolver, buyer_filter
from .tables import CONTRACT_HOLDERS, CONTRACTS, ESS_SIRENS

DEFAULT_MONTHS = 18
MAX_MONTHS = 120


@dataclass(frozen=True)
class Renewal:
    buyer_siret: str
    buyer_siren: str | None
    id: str
    object: str
    cpv: str | None
    purchase_type: str | None
    procedure: str | None
    notified_on: date
    duration_months: int
    ends: date
    amount: float | None
    has_social: bool
    reserved: bool
    place_code: str | None
    holders: tuple[str, ...]  # SIRENs, sorted
    other_holders: tuple[str, ...]  # identifiers without a SIREN (TVA, foreign…)
    ess_holders: tuple[str, ...]  # SIRENs of ESS structures (ess_sirens)
    inclusive_holders: tuple[str, ...]  # SIRENs of inclusion structures (SIAE, EA, ESAT, GEIQ)


def window(start: date, months: int) -> tuple[date, date]:
    """[start, start + months months): the contracts whose end date falls in it are listed."""
    if not 1 <= months <= MAX_MONTHS:
        raise InsightError(f"La fenêtre va de 1 à {MAX_MONTHS} mois.", field="months")
    return start, add_months(start, months)


def renewals(
    con: duckdb.DuckDBPyConnection,
    *,
    buyer: str,
    start: date,
    months: int = DEFAULT_MONTHS,
    buyer_sirets_resolver: SirenResolver | None = None,
) -> list[Renewal]:
    """The buyer's marchés with `start ≤ ends_on < start + months`, by end date then id."""
    first, end = window(start, months)
    condition, params = buyer_filter(buyer, buyer_sirets_resolver)
    return _select(con, f"{condition} AND c.ends_on >= ? AND c.ends_on < ?", [*params, first, end])


def renewal(con: duckdb.DuckDBPyConnection, *, buyer_siret: str, contract_id: str) -> Renewal | None:
    """One marché with an end date, by its national key (what a line of the radar points to)."""
    found = _select(
        con, "c.buyer_siret = ? AND c.id = ? AND c.ends_on IS NOT NULL", [buyer_siret, contract_id]
    )
    return found[0] if found else None


def _select(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> list[Renewal]:
    rows = con.execute(
        f"""
        WITH picked AS (
            SELECT c.buyer_siret, c.buyer_siren, c.id, c.object, c.cpv, c.purchase_type, c.procedure,
                   c.notified_on, c.duration_final_months, c.ends_on, c.amount,
                   coalesce(c.has_social, false) AS has_social, coalesce(c.reserved, false) AS reserved,
                   c.place_code
            FROM {CONTRACTS.name} c
            WHERE {where}
        ),
        holders AS (
            SELECT h.buyer_siret, h.id,
                   list_sort(list_distinct(list(h.holder_siren) FILTER (h.holder_siren IS NOT NULL)))
                       AS sirens,
                   list_sort(list_distinct(list(h.holder_id) FILTER (h.holder_siren IS NULL))) AS others,
                   list_sort(list_distinct(list(h.holder_siren) FILTER (e.siren IS NOT NULL))) AS ess,
                   list_sort(list_distinct(list(h.holder_siren) FILTER (e.is_inclusion))) AS inclusive
            FROM {CONTRACT_HOLDERS.name} h
            SEMI JOIN picked p ON p.buyer_siret = h.buyer_siret AND p.id = h.id
            LEFT JOIN {ESS_SIRENS.name} e ON e.siren = h.holder_siren
            GROUP BY ALL
        )
        SELECT p.*, h.sirens, h.others, h.ess, h.inclusive
        FROM picked p LEFT JOIN holders h ON h.buyer_siret = p.buyer_siret AND h.id = p.id
        ORDER BY p.ends_on, p.id, p.buyer_siret
        """,
        params,
    ).fetchall()
    return [
        Renewal(
            buyer_siret=r[0],
            buyer_siren=r[1],
            id=r[2],
            object=r[3] or "",
            cpv=r[4],
            purchase_type=r[5],
            procedure=r[6],
            notified_on=r[7],
            duration_months=int(r[8]),
            ends=r[9],
            amount=r[10],
            has_social=bool(r[11]),
            reserved=bool(r[12]),
            place_code=r[13],
            holders=tuple(r[14] or ()),
            other_holders=tuple(r[15] or ()),
            ess_holders=tuple(r[16] or ()),
            inclusive_holders=tuple(r[17] or ()),
        )
        for r in rows
    ]


def undated_count(
    con: duckdb.DuckDBPyConnection, *, buyer: str, buyer_sirets_resolver: SirenResolver | None = None
) -> int:
    """The buyer's marchés without an end date (no valid notification date or duration): never listed."""
    condition, params = buyer_filter(buyer, buyer_sirets_resolver)
    row = con.execute(
        f"SELECT count(*) FROM {CONTRACTS.name} c WHERE {condition} AND c.ends_on IS NULL", params
    ).fetchone()
    return int(row[0]) if row else 0

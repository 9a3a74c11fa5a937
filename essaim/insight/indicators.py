"""Responsible-procurement indicators of a buyer (or a group of buyers) for one year, from the store."""

# SQL text is built from the declared table names (tables.py) and our own temp paths only; every value
# is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import duckdb

from .errors import InsightError
from .tables import CONTRACT_HOLDERS, CONTRACTS, ESS_SIRENS

SirenResolver = Callable[[str], Iterable[str]]


def buyer_filter(buyer: str, resolver: SirenResolver | None = None) -> tuple[str, list[Any]]:
    """SQL condition on `contracts` (alias c) and its parameters for a SIRET, a SIREN or `epci:SIREN`."""
    value = buyer.strip().replace(" ", "")
    if value.startswith("epci:"):
        siren = value.removeprefix("epci:")
        if len(siren) != 9 or not siren.isdigit():
            raise InsightError(f"« {buyer} » n'est pas un EPCI valide (attendu : epci: suivi d'un SIREN).")
        if resolver is None:
            raise InsightError("Les communes membres de cet EPCI ne sont pas connues.")
        members = sorted({siren, *(str(m).strip() for m in resolver(siren) if m)})
        return "list_contains(?, c.buyer_siren)", [members]
    if value.isdigit() and len(value) == 14:
        return "c.buyer_siret = ?", [value]
    if value.isdigit() and len(value) == 9:
        return "c.buyer_siren = ?", [value]
    raise InsightError(f"« {buyer} » n'est ni un SIRET, ni un SIREN, ni un EPCI (epci:SIREN).")


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def indicators(
    con: duckdb.DuckDBPyConnection,
    *,
    buyer: str,
    year: int,
    buyer_sirets_resolver: SirenResolver | None = None,
) -> dict[str, Any]:
    """The indicators of `buyer` for the marchés notified in `year` (see docs/insight.md).

    `buyer_sirets_resolver(epci_siren)` returns the SIRENs of the member communes of an EPCI/EPT; it is
    needed for `epci:SIREN` only. Amounts exclude outliers (`amount` is null for them).
    """
    condition, params = buyer_filter(buyer, buyer_sirets_resolver)
    row = con.execute(
        f"""
        WITH picked AS (
            SELECT c.buyer_siret, c.id, c.amount, c.amount_outlier, c.contradictory, c.has_social,
                   c.has_environmental, c.reserved
            FROM {CONTRACTS.name} c
            WHERE {condition} AND c.notified_year = ?
        ),
        awarded AS (
            SELECT h.buyer_siret, h.id, bool_or(e.siren IS NOT NULL) AS ess,
                   bool_or(coalesce(e.is_inclusion, false)) AS inclusion
            FROM {CONTRACT_HOLDERS.name} h
            SEMI JOIN picked p ON p.buyer_siret = h.buyer_siret AND p.id = h.id
            LEFT JOIN {ESS_SIRENS.name} e ON e.siren = h.holder_siren
            GROUP BY ALL
        ),
        joined AS (
            SELECT p.*, coalesce(a.ess, false) AS ess, coalesce(a.inclusion, false) AS inclusion
            FROM picked p LEFT JOIN awarded a ON a.buyer_siret = p.buyer_siret AND a.id = p.id
        )
        SELECT count(*), coalesce(sum(amount), 0),
               count(*) FILTER (amount_outlier), count(*) FILTER (contradictory),
               count(*) FILTER (has_social), coalesce(sum(amount) FILTER (has_social), 0),
               count(*) FILTER (has_environmental), coalesce(sum(amount) FILTER (has_environmental), 0),
               count(*) FILTER (reserved), coalesce(sum(amount) FILTER (reserved), 0),
               count(*) FILTER (ess), coalesce(sum(amount) FILTER (ess), 0),
               count(*) FILTER (inclusion), coalesce(sum(amount) FILTER (inclusion), 0)
        FROM joined
        """,
        [*params, year],
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    contracts, amount = int(row[0]), float(row[1])

    def part(count: Any, part_amount: Any) -> dict[str, Any]:
        return {
            "count": int(count),
            "share": _share(int(count), contracts),
            "amount": round(float(part_amount), 2),
            "amount_share": _share(float(part_amount), amount),
        }

    return {
        "buyer": buyer,
        "year": year,
        "contracts": contracts,
        "amount": round(amount, 2),
        "outliers": int(row[2]),
        "contradictory": int(row[3]),
        "social": part(row[4], row[5]),
        "environmental": part(row[6], row[7]),
        "reserved": {"count": int(row[8]), "amount": round(float(row[9]), 2)},
        "ess_awarded": {"count": int(row[10]), "amount": round(float(row[11]), 2)},
        "inclusion_awarded": {"count": int(row[12]), "amount": round(float(row[13]), 2)},
    }


def group_breakdowns(
    con: duckdb.DuckDBPyConnection,
    *,
    buyer: str,
    year: int,
    buyer_sirets_resolver: SirenResolver | None = None,
) -> dict[str, list[tuple[Any, ...]]]:
    """Counts and non-outlier amounts by CPV division, procedure and month (the report's tables)."""
    condition, params = buyer_filter(buyer, buyer_sirets_resolver)
    result: dict[str, list[tuple[Any, ...]]] = {}
    for name, expression in (
        ("cpv_division", "c.cpv_division"),
        ("procedure", "c.procedure"),
        ("month", "month(c.notified_on)"),
    ):
        result[name] = con.execute(
            f"""SELECT {expression} AS key, count(*), round(coalesce(sum(c.amount), 0), 2),
                       count(*) FILTER (c.has_social), count(*) FILTER (c.has_environmental)
                FROM {CONTRACTS.name} c WHERE {condition} AND c.notified_year = ?
                GROUP BY ALL ORDER BY key NULLS LAST""",
            [*params, year],
        ).fetchall()
    return result

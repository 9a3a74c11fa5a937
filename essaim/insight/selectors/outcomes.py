"""From a collaboration (a meeting or a need) to the public contract that followed, read in the DECP store.

A contract is **proposed** for a collaboration when it was passed by the collaboration's buyer (same SIREN),
one of its holders has the structure's SIREN, and it was notified after the meeting (or the need's
publication) within 18 months (`sourcing.collaborations.contract_queries`). The buyer or a facilitator
confirms it through `sourcing.collaborations.collaboration_contract_link`; nothing here writes.
"""

# SQL text is built from the declared table names (tables.py) only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from essaim.sourcing.collaborations import ContractQuery

from ..tables import CONTRACT_HOLDERS, CONTRACTS

MANUAL_CHOICES = 200


@dataclass(frozen=True)
class ContractCandidate:
    buyer_siret: str
    id: str
    object: str
    notified_on: date
    amount: float | None
    holders: tuple[str, ...]

    @property
    def key(self) -> str:
        """`SIRET|id`: how a form names the contract."""
        return f"{self.buyer_siret}|{self.id}"


def _candidates(rows: list[tuple[Any, ...]]) -> list[ContractCandidate]:
    return [
        ContractCandidate(
            buyer_siret=r[0],
            id=r[1],
            object=r[2] or "",
            notified_on=r[3],
            amount=r[4],
            holders=tuple(r[5] or ()),
        )
        for r in rows
    ]


def proposed_contracts(
    con: duckdb.DuckDBPyConnection, queries: list[ContractQuery]
) -> dict[int, list[ContractCandidate]]:
    """The contracts proposed for each collaboration (by id), earliest notification first."""
    if not queries:
        return {}
    table = pa.table(
        {
            "collaboration_id": [q.collaboration_id for q in queries],
            "buyer_siren": [q.buyer_siren for q in queries],
            "holder_siren": [q.holder_siren for q in queries],
            "after": [q.after for q in queries],
            "until": [q.until for q in queries],
        }
    )
    con.register("_collaboration_queries", table)
    try:
        rows = con.execute(
            f"""
            SELECT q.collaboration_id, c.buyer_siret, c.id, c.object, c.notified_on, c.amount,
                   (SELECT list_sort(list_distinct(list(h2.holder_id))) FROM {CONTRACT_HOLDERS.name} h2
                    WHERE h2.buyer_siret = c.buyer_siret AND h2.id = c.id)
            FROM _collaboration_queries q
            JOIN {CONTRACTS.name} c
              ON c.buyer_siren = q.buyer_siren AND c.notified_on > q.after AND c.notified_on <= q.until
            WHERE EXISTS (SELECT 1 FROM {CONTRACT_HOLDERS.name} h
                          WHERE h.buyer_siret = c.buyer_siret AND h.id = c.id AND h.holder_siren = q.holder_siren)
            ORDER BY q.collaboration_id, c.notified_on, c.buyer_siret, c.id
            """
        ).fetchall()
    finally:
        con.unregister("_collaboration_queries")
    found: dict[int, list[ContractCandidate]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).extend(_candidates([row[1:]]))
    return found


def buyer_contracts(
    con: duckdb.DuckDBPyConnection, *, buyer_siren: str, after: date, until: date
) -> list[ContractCandidate]:
    """The buyer's contracts notified in (after, until], whoever holds them: what a person may link by hand
    when the structure has no SIREN or the holder was another member of a group."""
    rows = con.execute(
        f"""SELECT c.buyer_siret, c.id, c.object, c.notified_on, c.amount,
                   (SELECT list_sort(list_distinct(list(h.holder_id))) FROM {CONTRACT_HOLDERS.name} h
                    WHERE h.buyer_siret = c.buyer_siret AND h.id = c.id)
            FROM {CONTRACTS.name} c
            WHERE c.buyer_siren = ? AND c.notified_on > ? AND c.notified_on <= ?
            ORDER BY c.notified_on, c.buyer_siret, c.id LIMIT ?""",
        [buyer_siren, after, until, MANUAL_CHOICES],
    ).fetchall()
    return _candidates(rows)


def contract_by_key(
    con: duckdb.DuckDBPyConnection, *, buyer_siret: str, contract_id: str
) -> ContractCandidate | None:
    rows = con.execute(
        f"""SELECT c.buyer_siret, c.id, c.object, c.notified_on, c.amount,
                   (SELECT list_sort(list_distinct(list(h.holder_id))) FROM {CONTRACT_HOLDERS.name} h
                    WHERE h.buyer_siret = c.buyer_siret AND h.id = c.id)
            FROM {CONTRACTS.name} c WHERE c.buyer_siret = ? AND c.id = ?""",
        [buyer_siret, contract_id],
    ).fetchall()
    found = _candidates(rows)
    return found[0] if found else None

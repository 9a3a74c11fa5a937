"""Reads of the store: years, contracts won by a structure, one contract, rejected records, a summary."""

# SQL text is built from the declared table names (tables.py) only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from ..decp_cleaning import rejection_label
from ..errors import StoreUnavailable
from ..tables import CONTRACT_HOLDERS, CONTRACTS, REJECTED
from .buyers import names_by_siren
from .store_access import open_store


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        f"SELECT DISTINCT notified_year FROM {CONTRACTS.name} WHERE notified_year IS NOT NULL ORDER BY 1 DESC"
    ).fetchall()
    return [int(r[0]) for r in rows]


# --- contracts won by a structure ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContractWon:
    buyer_siret: str
    buyer_name: str
    id: str
    object: str
    cpv: str
    procedure: str
    notified_on: date | None
    amount: float | None
    has_social: bool
    has_environmental: bool


def contracts_won_by(
    siren: str, limit: int = 10, *, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[list[ContractWon], int]:
    """The latest marchés a holder (by SIREN) won, most recent first, and how many it won in all.

    Raises `StoreUnavailable` when this server has no readable store (a web machine without its copy of
    `INSIGHT_DB`, or a store being rewritten): the page says so rather than showing no contract.
    """
    key = (siren or "").replace(" ", "")
    if len(key) != 9 or not key.isdigit():
        return [], 0
    if con is None:
        with open_store() as opened:
            return contracts_won_by(key, limit, con=opened)
    total_row = con.execute(
        f"SELECT count(DISTINCT (buyer_siret, id)) FROM {CONTRACT_HOLDERS.name} WHERE holder_siren = ?",
        [key],
    ).fetchone()
    rows = con.execute(
        f"""SELECT c.buyer_siret, c.buyer_siren, c.id, c.object, c.cpv, c.procedure, c.notified_on, c.amount,
                   c.has_social, c.has_environmental
            FROM {CONTRACTS.name} c
            SEMI JOIN {CONTRACT_HOLDERS.name} h
              ON h.buyer_siret = c.buyer_siret AND h.id = c.id AND h.holder_siren = ?
            ORDER BY c.notified_on DESC NULLS LAST, c.buyer_siret, c.id
            LIMIT ?""",
        [key, limit],
    ).fetchall()
    names = names_by_siren({r[1] for r in rows if r[1]})
    contracts = [
        ContractWon(
            buyer_siret=r[0],
            buyer_name=names.get(r[1] or "", f"Acheteur {r[0]}"),
            id=r[2],
            object=r[3] or "",
            cpv=r[4] or "",
            procedure=r[5] or "",
            notified_on=r[6],
            amount=r[7],
            has_social=bool(r[8]),
            has_environmental=bool(r[9]),
        )
        for r in rows
    ]
    return contracts, int(total_row[0]) if total_row else 0


@dataclass(frozen=True)
class ContractRecord:
    """One marché of the store, by its national key, with its holders' identifiers."""

    buyer_siret: str
    id: str
    object: str
    amount: float | None
    notified_on: date | None
    duration_months: int | None
    has_social: bool
    holder_ids: tuple[str, ...]


def contract_record(
    buyer_siret: str, contract_id: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> ContractRecord | None:
    """The marché (buyer SIRET, id) of the store, or None when it is unknown or the store is unavailable
    (used to start following a clause from a published contract)."""
    if con is None:
        try:
            with open_store() as opened:
                return contract_record(buyer_siret, contract_id, con=opened)
        except StoreUnavailable:
            return None
    row = con.execute(
        f"""SELECT buyer_siret, id, object, amount, notified_on, duration_months, coalesce(has_social, false)
            FROM {CONTRACTS.name} WHERE buyer_siret = ? AND id = ?""",
        [buyer_siret, contract_id],
    ).fetchone()
    if row is None:
        return None
    holders = con.execute(
        f"SELECT holder_id FROM {CONTRACT_HOLDERS.name} WHERE buyer_siret = ? AND id = ? ORDER BY holder_id",
        [buyer_siret, contract_id],
    ).fetchall()
    return ContractRecord(
        buyer_siret=row[0],
        id=row[1],
        object=row[2] or "",
        amount=row[3],
        notified_on=row[4],
        duration_months=row[5],
        has_social=bool(row[6]),
        holder_ids=tuple(h[0] for h in holders),
    )


# --- rejected records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RejectedRecord:
    source_file: str
    position: int
    reason: str
    raw: str


def rejected_records(
    con: duckdb.DuckDBPyConnection, *, limit: int = 50, offset: int = 0
) -> tuple[list[RejectedRecord], int, list[tuple[str, int]]]:
    """A page of rejected records (raw text cut to 600 characters), the total and the count per reason;
    reasons in French words (`decp_cleaning.rejection_label`), never their codes."""
    total_row = con.execute(f"SELECT count(*) FROM {REJECTED.name}").fetchone()
    by_reason = con.execute(
        f"SELECT reason, count(*) FROM {REJECTED.name} GROUP BY ALL ORDER BY 2 DESC, 1"
    ).fetchall()
    rows = con.execute(
        f"""SELECT source_file, position, reason, left(raw, 600) FROM {REJECTED.name}
            ORDER BY imported_at DESC, source_file, position LIMIT ? OFFSET ?""",
        [limit, offset],
    ).fetchall()
    records = [
        RejectedRecord(r[0] or "", int(r[1] or 0), rejection_label(r[2] or ""), r[3] or "") for r in rows
    ]
    return (
        records,
        int(total_row[0]) if total_row else 0,
        [(rejection_label(r[0] or ""), int(r[1])) for r in by_reason],
    )


def store_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = con.execute(
        f"SELECT count(*), count(DISTINCT buyer_siret), min(notified_on), max(notified_on) FROM {CONTRACTS.name}"
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    return {"contracts": int(row[0]), "buyers": int(row[1]), "first": row[2], "last": row[3]}

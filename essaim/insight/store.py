"""Open the DuckDB analytical store and build its tables from `tables.TABLES`."""

# SQL text is built from the declared table names (tables.py) and our own temp paths only; every value
# is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from .tables import ESS_SIRENS, TABLES


def default_path() -> str:
    from django.conf import settings  # imported here: the store also runs without Django (decp_import)

    return str(settings.INSIGHT_DB)


def connect(path: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store (`settings.INSIGHT_DB` by default); tables are created when writable."""
    target = str(path) if path is not None else default_path()
    if target != ":memory:" and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only and target != ":memory:")
    if not read_only or target == ":memory:":
        build(con)
    return con


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create the declared tables that do not exist yet, add the declared columns a store built by an
    earlier version lacks (null until the next import rewrites its rows: a re-import counts them as
    updated, since the content hash covers the new columns), and (re)write the comments."""
    for table in TABLES:
        con.execute(table.create_sql())
        present = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'",
                [table.name],
            ).fetchall()
        }
        for column in table.columns:
            if column.name not in present:
                con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type}")
        for statement in table.comment_sql():
            con.execute(statement)


def refresh_ess_links(con: duckdb.DuckDBPyConnection, rows: Iterable[tuple[str, bool, bool]]) -> int:
    """Replace `ess_sirens` with `rows` of (siren, is_directory, is_inclusion); returns the count kept.

    SIRENs are stripped of spaces; anything that is not 9 digits is ignored; a SIREN given twice keeps
    the OR of its flags.
    """
    clean: dict[str, tuple[bool, bool]] = {}
    for siren, is_directory, is_inclusion in rows:
        key = str(siren or "").replace(" ", "")
        if len(key) != 9 or not key.isdigit():
            continue
        before = clean.get(key, (False, False))
        clean[key] = (before[0] or bool(is_directory), before[1] or bool(is_inclusion))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {ESS_SIRENS.name}")
        if clean:
            batch = pa.table(
                {
                    "siren": list(clean),
                    "is_directory": [flags[0] for flags in clean.values()],
                    "is_inclusion": [flags[1] for flags in clean.values()],
                }
            )
            con.register("_ess_batch", batch)
            con.execute(
                f"INSERT INTO {ESS_SIRENS.name} SELECT siren, is_directory, is_inclusion FROM _ess_batch"
            )
            con.unregister("_ess_batch")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(clean)

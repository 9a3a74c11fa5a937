"""Streaming import of DECP files (JSON, tabular CSV, Parquet) into the DuckDB store.

1. *Stage*: each file is read as a stream (ijson with the yajl2 C backend for JSON, `csv` for CSV,
   DuckDB for Parquet), every record goes through `decp_cleaning.clean`, and the clean records are
   written as Parquet batches of `batch_size` rows into a temporary directory. Memory stays bounded by
   one batch per worker. Files are staged in parallel worker processes when there are several large ones.
2. *Merge* (SQL, one transaction): tabular rows of one contract are grouped, the latest publication of
   each key (buyer_siret, id) wins (`QUALIFY row_number() …`), and winners are compared with the stored
   version by content hash: new, updated (a later publication that changes the content), unchanged.

No Django import at module level: worker processes import this module alone.
"""

# SQL text is built from the declared table names (tables.py) and our own temp paths only; every value
# is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import duckdb
import ijson
import pyarrow as pa
import pyarrow.parquet as pq

from . import store
from .decp_cleaning import clean
from .decp_readers import (
    JSON_BACKEND,
    JSON_READERS,
    DecpStream,
    JsonScanner,
    iter_csv,
    iter_json_ijson,
    iter_json_scan,
    iter_parquet,
    json_prefix,
)
from .tables import CONCESSION_HOLDERS, CONCESSIONS, CONTRACT_HOLDERS, CONTRACTS, IMPORT_RUNS, REJECTED

__all__ = [
    "JSON_BACKEND",
    "JSON_READERS",
    "ImportReport",
    "StageTask",
    "DecpStream",
    "JsonScanner",
    "json_prefix",
    "import_files",
    "iter_csv",
    "iter_json_ijson",
    "iter_json_scan",
    "iter_parquet",
    "main",
    "stage_file",
]

BATCH_SIZE = 50_000
RAW_MAX_CHARS = 100_000
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
SEQ_STRIDE = 10**10  # seq = file index * SEQ_STRIDE + position in the file

HOLDER_TYPE = pa.struct([("id", pa.string()), ("id_type", pa.string()), ("siren", pa.string())])
STAGE_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("buyer_siret", pa.string()),
        ("buyer_siren", pa.string()),
        ("id", pa.string()),
        ("nature", pa.string()),
        ("object", pa.string()),
        ("cpv", pa.string()),
        ("cpv_division", pa.string()),
        ("purchase_type", pa.string()),
        ("procedure", pa.string()),
        ("duration_months", pa.int32()),
        ("duration_final_months", pa.int32()),
        ("notified_on", pa.date32()),
        ("ends_on", pa.date32()),
        ("published_on", pa.date32()),
        ("amount_raw", pa.float64()),
        ("amount", pa.float64()),
        ("amount_outlier", pa.bool_()),
        ("social_clause", pa.bool_()),
        ("social_criterion", pa.bool_()),
        ("reserved", pa.bool_()),
        ("environmental_clause", pa.bool_()),
        ("environmental_criterion", pa.bool_()),
        ("contradictory", pa.bool_()),
        ("place_code", pa.string()),
        ("offers_received", pa.int32()),
        ("innovative", pa.bool_()),
        ("subcontracting_declared", pa.bool_()),
        ("modification_id", pa.int32()),
        ("holders", pa.list_(HOLDER_TYPE)),
        ("flags", pa.list_(pa.string())),
        ("tabular", pa.bool_()),
        ("source_file", pa.string()),
        ("seq", pa.int64()),
    ]
)
REJECTED_SCHEMA = pa.schema(
    [("source_file", pa.string()), ("position", pa.int64()), ("reason", pa.string()), ("raw", pa.string())]
)

# Columns compared to tell an update from an unchanged re-publication (not the file or position).
HASHED = (
    "nature, object, cpv, procedure, duration_months, duration_final_months, notified_on, ends_on, "
    "published_on, amount_raw, amount_outlier, "
    "social_clause, social_criterion, reserved, environmental_clause, environmental_criterion, contradictory, "
    "place_code, offers_received, innovative, subcontracting_declared, modification_id, holders, flags"
)


@dataclass
class ImportReport:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _raw_text(raw: Any) -> str:
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)[:RAW_MAX_CHARS]
    except (TypeError, ValueError):  # pragma: no cover - default=str makes this unlikely
        return repr(raw)[:RAW_MAX_CHARS]


@dataclass(frozen=True)
class StageTask:
    path: str
    index: int
    out_dir: str
    batch_size: int
    today: date
    json_reader: str = "scan"


def stage_file(task: StageTask) -> tuple[int, int]:
    """Clean one file into Parquet batches under `task.out_dir`; returns (records, rejected)."""
    path = Path(task.path)
    name = path.name
    suffix = "".join(path.suffixes[-1:]).lower()
    tabular = suffix in (".csv", ".parquet")
    if suffix == ".csv":
        records: Iterable[Any] = iter_csv(path)
    elif suffix == ".parquet":
        records = iter_parquet(path)
    else:
        records = JSON_READERS[task.json_reader](path)

    batch: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    batch_number = 0
    kept = 0
    position = -1
    base = task.index * SEQ_STRIDE

    def flush() -> None:
        nonlocal batch_number, batch
        if batch:
            columns = {field.name: [row[field.name] for row in batch] for field in STAGE_SCHEMA}
            table = pa.Table.from_pydict(columns, schema=STAGE_SCHEMA)
            pq.write_table(table, Path(task.out_dir) / f"records-{task.index:05d}-{batch_number:05d}.parquet")
            batch_number += 1
            batch = []

    try:
        for position, raw in enumerate(records):  # noqa: B007 - position is read after the loop
            record, reason = clean(raw, today=task.today, tabular=tabular)
            if record is None:
                rejected.append(
                    {"source_file": name, "position": position, "reason": reason, "raw": _raw_text(raw)}
                )
                continue
            row: dict[str, Any] = dict(record)
            row["tabular"] = tabular
            row["source_file"] = name
            row["seq"] = base + position
            batch.append(row)
            kept += 1
            if len(batch) >= task.batch_size:
                flush()
    except (ijson.JSONError, ValueError, RecursionError, OSError, csv.Error, duckdb.Error) as error:
        message = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        rejected.append(
            {"source_file": name, "position": position + 1, "reason": f"file_broken: {message}", "raw": ""}
        )
    flush()
    if rejected:
        pq.write_table(
            pa.Table.from_pylist(rejected, schema=REJECTED_SCHEMA),
            Path(task.out_dir) / f"rejected-{task.index:05d}.parquet",
        )
    return kept, len(rejected)


# --- merging ---------------------------------------------------------------------------------------


def _merge_kind(con: duckdb.DuckDBPyConnection, kind: str, report: ImportReport, now: datetime) -> None:
    table, holders = (CONTRACTS, CONTRACT_HOLDERS) if kind == "marche" else (CONCESSIONS, CONCESSION_HOLDERS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _status AS
        SELECT w.buyer_siret, w.id, w.seq,
               CASE WHEN c.id IS NULL THEN 'new'
                    WHEN c.content_hash = w.content_hash THEN 'unchanged'
                    WHEN coalesce(w.published_on, DATE '0001-01-01')
                         >= coalesce(c.published_on, DATE '0001-01-01') THEN 'updated'
                    ELSE 'older' END AS status
        FROM _winners w LEFT JOIN {table.name} c USING (buyer_siret, id)
        WHERE w.kind = ?
        """,
        [kind],
    )
    counts = dict(con.execute("SELECT status, count(*) FROM _status GROUP BY status").fetchall())
    report.new += counts.get("new", 0)
    report.updated += counts.get("updated", 0)
    report.unchanged += counts.get("unchanged", 0)
    report.duplicates += counts.get("older", 0)
    if counts.get("updated"):
        for target in (table, holders):
            con.execute(
                f"""DELETE FROM {target.name} t USING _status s
                    WHERE s.status = 'updated' AND t.buyer_siret = s.buyer_siret AND t.id = s.id"""
            )
    if not (counts.get("new") or counts.get("updated")):
        return
    columns = [c for c in table.column_names if c not in ("notified_year", "has_social", "has_environmental")]
    columns = [c for c in columns if c not in ("holders_count", "imported_at")]
    select = ", ".join(f"w.{c}" for c in columns)
    con.execute(
        f"""
        INSERT INTO {table.name} ({", ".join(columns)}, notified_year, has_social, has_environmental,
                                  holders_count, imported_at)
        SELECT {select}, year(w.notified_on),
               w.social_clause OR w.social_criterion OR w.reserved,
               w.environmental_clause OR w.environmental_criterion,
               len(w.holders), ?::TIMESTAMPTZ
        FROM _winners w JOIN _status s ON s.seq = w.seq
        WHERE s.status IN ('new', 'updated')
        ORDER BY w.buyer_siret, w.id
        """,
        [now],
    )
    con.execute(
        f"""
        INSERT INTO {holders.name}
        SELECT buyer_siret, id, h.id, h.id_type, h.siren FROM (
            SELECT w.buyer_siret, w.id, unnest(w.holders) AS h
            FROM _winners w JOIN _status s ON s.seq = w.seq
            WHERE s.status IN ('new', 'updated'))
        """
    )


def _merge(con: duckdb.DuckDBPyConnection, stage_dir: Path, files: list[str], report: ImportReport) -> None:
    now = datetime.now(tz=UTC)
    records_glob = str(stage_dir / "records-*.parquet")
    has_records = any(stage_dir.glob("records-*.parquet"))
    con.execute("BEGIN TRANSACTION")
    try:
        if has_records:
            # Tabular rows (contract x holder x modification) of one contract in one file become one
            # record: the row of the highest modification (then latest publication) with all the holders.
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE _records AS
                WITH staged AS (SELECT * FROM read_parquet('{records_glob}')),
                tab_holders AS (
                    SELECT kind, source_file, buyer_siret, id,
                           list_sort(list_distinct(flatten(list(holders)))) AS holders
                    FROM staged WHERE tabular GROUP BY ALL)
                SELECT * EXCLUDE (tabular) FROM staged WHERE NOT tabular
                UNION ALL BY NAME
                SELECT t.* EXCLUDE (tabular, holders), g.holders FROM (
                    SELECT * FROM staged WHERE tabular
                    QUALIFY row_number() OVER (
                        PARTITION BY kind, source_file, buyer_siret, id
                        ORDER BY modification_id DESC NULLS LAST, published_on DESC NULLS LAST, seq DESC) = 1
                ) t JOIN tab_holders g USING (kind, source_file, buyer_siret, id)
                """
            )
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE _winners AS
                SELECT *, hash({HASHED}) AS content_hash FROM _records
                QUALIFY row_number() OVER (
                    PARTITION BY kind, buyer_siret, id ORDER BY published_on DESC NULLS LAST, seq DESC) = 1
                """
            )
            read = con.execute("SELECT count(*) FROM _records").fetchone()
            kept = con.execute("SELECT count(*) FROM _winners").fetchone()
            report.read += read[0] if read else 0
            report.duplicates += (read[0] if read else 0) - (kept[0] if kept else 0)
            _merge_kind(con, "marche", report, now)
            _merge_kind(con, "concession", report, now)
            for temp in ("_records", "_winners", "_status"):
                con.execute(f"DROP TABLE IF EXISTS {temp}")
        names = sorted({Path(f).name for f in files})
        con.execute(f"DELETE FROM {REJECTED.name} WHERE list_contains(?, source_file)", [names])
        if any(stage_dir.glob("rejected-*.parquet")):
            rejected_glob = str(stage_dir / "rejected-*.parquet")
            con.execute(
                f"""INSERT INTO {REJECTED.name} (source_file, position, reason, raw, imported_at)
                    SELECT source_file, position, reason, raw, ?::TIMESTAMPTZ
                    FROM read_parquet('{rejected_glob}') ORDER BY source_file, position""",
                [now],
            )
            count = con.execute(f"SELECT count(*) FROM read_parquet('{rejected_glob}')").fetchone()
            report.rejected += count[0] if count else 0
            report.read += count[0] if count else 0
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# --- entry point -----------------------------------------------------------------------------------


def import_files(
    paths: Iterable[str | Path],
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    db_path: str | Path | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    today: date | None = None,
    memory_limit: str | None = "1GB",
    json_reader: str = "scan",
) -> ImportReport:
    """Import DECP files (in the given order: a later file wins ties) into the store.

    `read` counts records (tabular rows grouped by contract) and rejected records/files, so
    read = new + updated + unchanged + duplicates + rejected.
    """
    started = time.monotonic()
    files = [str(Path(p)) for p in paths]
    today = today or datetime.now(tz=UTC).date()
    own = con is None
    connection = con if con is not None else store.connect(db_path)
    store.build(connection)
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
    connection.execute("SET preserve_insertion_order = false")
    report = ImportReport()
    stage_dir = Path(tempfile.mkdtemp(prefix="decp-stage-"))
    try:
        tasks = [
            StageTask(path, index, str(stage_dir), batch_size, today) for index, path in enumerate(files)
        ]
        if workers is None:
            big = sum(Path(p).stat().st_size for p in files if Path(p).exists()) >= PARALLEL_MIN_BYTES
            workers = min(os.cpu_count() or 1, len(files)) if big else 1
        missing = [task for task in tasks if not Path(task.path).is_file()]
        for task in missing:
            tasks.remove(task)
            pq.write_table(
                pa.Table.from_pylist(
                    [
                        {
                            "source_file": Path(task.path).name,
                            "position": 0,
                            "reason": "file_missing",
                            "raw": "",
                        }
                    ],
                    schema=REJECTED_SCHEMA,
                ),
                stage_dir / f"rejected-{task.index:05d}.parquet",
            )
        if workers > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
                list(pool.map(stage_file, tasks))
        else:
            for task in tasks:
                stage_file(task)
        _merge(connection, stage_dir, files, report)
        connection.execute(
            f"INSERT INTO {IMPORT_RUNS.name} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                datetime.now(tz=UTC),
                [Path(f).name for f in files],
                report.read,
                report.new,
                report.updated,
                report.unchanged,
                report.duplicates,
                report.rejected,
                round(time.monotonic() - started, 3),
            ],
        )
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)
        if own:
            connection.close()
    return report


def main(argv: list[str] | None = None) -> None:
    """`python -m essaim.insight.decp_import --db PATH FILE…`: import without Django, print the report
    with this process's peak memory (itself + its largest worker, an upper bound)."""
    import resource  # Unix only, and only this command-line entry point needs it

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--json-reader", choices=sorted(JSON_READERS), default="scan")
    args = parser.parse_args(argv)
    report = import_files(
        args.paths, db_path=args.db, workers=args.workers, json_reader=args.json_reader
    ).as_dict()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    peak = round((own.ru_maxrss + children.ru_maxrss) / 1024, 1)
    print(json.dumps({**report, "peak_rss_mb": peak, "cpu_s": round(cpu, 1)}))  # noqa: T201


if __name__ == "__main__":
    main()

"""Bulk writes for large loads (synthetic data, national imports): explicit ids, raw inserts, one sequence reset.

The ORM's `bulk_create` spends most of its time compiling SQL per object; these helpers take rows that are
already database values (strings, numbers, ISO timestamps) in a fixed column order. PostgreSQL gets
`COPY … FROM STDIN`, SQLite `executemany`. Callers are responsible for the values (derived columns
included) and must call `reset_sequence` after inserting explicit ids on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model


def timestamp(value: datetime) -> str:
    """A timestamp as both backends accept it in a raw insert (Django stores UTC)."""
    if connection.vendor == "sqlite":
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value.isoformat(sep=" ")


def json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`; returns the count."""
    rows = list(rows)
    if not rows:
        return 0
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)  # noqa: S608
    return len(rows)


def reset_sequence(*models: type[Model]) -> None:
    """After explicit ids: move PostgreSQL sequences past them (nothing to do on SQLite)."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)

"""The DuckDB store opened read-only for pages: a missing, busy or locked store is `StoreUnavailable`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings

from .. import store
from ..errors import StoreUnavailable


@contextmanager
def open_store(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store (an empty in-memory store for `:memory:`)."""
    target = str(path if path is not None else settings.INSIGHT_DB)
    if target != ":memory:" and not Path(target).is_file():
        raise StoreUnavailable
    try:
        con = store.connect(target, read_only=True)
    except duckdb.Error as error:  # locked by an import, or not a DuckDB file
        raise StoreUnavailable from error
    try:
        yield con
    finally:
        con.close()

"""The two full-text search backends of the directory, chosen by the database vendor.

Both index the same pre-analysed terms (`analysis.index_document`) and receive the same query terms, so
they match the same structures:

- SQLite: an FTS5 table `directory_structure_fts(search_name, search_body)` keyed by the structure id,
  ranked with bm25 (name weighs 10, body 1); typo tolerance on names through an FTS5 `trigram` table of
  normalised names that yields candidates, rescored in Python with the pg_trgm similarity formula.
  The service layer keeps both tables up to date (`index`), a full `rebuild` is available.
- PostgreSQL: a generated `search_vector` column (`to_tsvector('simple', …)` over the same terms, name
  weighted A, body D, tags C) with a GIN index partial on published rows (queries say
  `status = 'published'`), ranked with ts_rank; large sets are counted on fixed samples of the rows with
  their own small GIN indexes (`count_and_facet_rows`); typo tolerance with pg_trgm (`%` operator and
  `similarity()`) on `name_normalised`, GIN trigram index.

The 'simple' configuration (no stemming, no stopwords in the database) is deliberate: stemming, accents,
stopwords and synonyms are all done once in Python, identically for both databases.

Modules: `sql` (shared pieces), `sqlite` and `postgres` (one backend each, with its
own speed constants); this module chooses one by the database vendor.
"""

from __future__ import annotations

from django.db import connection

from .postgres import PostgresBackend
from .sql import prescore
from .sqlite import SqliteBackend

__all__ = ["PostgresBackend", "SqliteBackend", "get_backend", "prescore"]


def get_backend() -> SqliteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No directory search backend for {connection.vendor}")

"""The directory's full-text search: `analysis` (French text analysis, pure, shared with the sourcing
matcher), `columns` (filter tags as index words), `index` (index-driven search with facets), `backends`
(chooses `sqlite` or `postgres` by the database vendor; `sql` holds what both share)."""

from essaim.directory.search.backends import PostgresBackend, SqliteBackend, get_backend, prescore

__all__ = ["PostgresBackend", "SqliteBackend", "get_backend", "prescore"]

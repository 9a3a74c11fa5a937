"""Partial GIN indexes for the directory search on PostgreSQL (see search/postgres.py: PostgresBackend).

- `directory_structure_published_search_gin`: the search vector of published structures only; queries say
  `status = 'published'` instead of a status word, so no posting list holds every structure.
- `directory_structure_sample_search_gin`, `directory_structure_sparse_sample_search_gin`: the published
  rows with `id % 64 = 0` (`id % 512 = 0`), fixed samples that estimate the total and the facets of large
  sets from a few thousand rows at most.
The former GIN index over every structure is dropped. Nothing changes on SQLite (FTS5).
"""

from django.db import migrations

from essaim.directory.migration_ops import RunSQLForVendor

POSTGRES_FORWARD = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    "CREATE INDEX IF NOT EXISTS directory_structure_published_search_gin ON directory_structure "
    "USING gin (search_vector) WHERE status = 'published'",
    "CREATE INDEX IF NOT EXISTS directory_structure_sample_search_gin ON directory_structure "
    "USING gin (search_vector) WHERE status = 'published' AND id % 64 = 0",
    "CREATE INDEX IF NOT EXISTS directory_structure_sparse_sample_search_gin ON directory_structure "
    "USING gin (search_vector) WHERE status = 'published' AND id % 512 = 0",
    "DROP INDEX IF EXISTS directory_structure_search_gin",
]
POSTGRES_BACKWARD = [
    "CREATE INDEX IF NOT EXISTS directory_structure_search_gin ON directory_structure USING gin (search_vector)",
    "DROP INDEX IF EXISTS directory_structure_sparse_sample_search_gin",
    "DROP INDEX IF EXISTS directory_structure_sample_search_gin",
    "DROP INDEX IF EXISTS directory_structure_published_search_gin",
]


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_structure_photos"),
    ]

    operations = [
        RunSQLForVendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]

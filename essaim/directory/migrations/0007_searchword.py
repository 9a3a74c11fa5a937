"""The words of the search index (`SearchWord`: misspelt query words are corrected to them), filled from
the index. PostgreSQL: a GIN trigram index on the words. SQLite: the FTS5 vocabulary of the index
(`directory_structure_fts_vocab`, exact numbers of structures per word) and an FTS5 trigram table over the
words kept in step by triggers. See search/partial.py."""

from django.db import migrations, models

from essaim.directory.migration_ops import RunSQLForVendor
from essaim.directory.search.postgres import WORDS_REBUILD
from essaim.directory.search.sqlite import WORDS_SYNC, WORDS_TRIGRAMS

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE directory_structure_fts_vocab USING fts5vocab(directory_structure_fts, col)",
    *WORDS_TRIGRAMS,
    WORDS_SYNC,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_searchword_au",
    "DROP TRIGGER IF EXISTS directory_searchword_ad",
    "DROP TRIGGER IF EXISTS directory_searchword_ai",
    "DROP TABLE IF EXISTS directory_searchword_trigrams",
    "DROP TABLE IF EXISTS directory_structure_fts_vocab",
]
POSTGRES_FORWARD = [
    "SET LOCAL maintenance_work_mem = '256MB'",
    *WORDS_REBUILD,
    # Built once filled, without a pending list: new words are few, and a pending list is read in full
    # by every lookup until the next vacuum (70 ms for 25,000 words).
    "CREATE INDEX directory_searchword_trgm ON directory_searchword USING gin (word gin_trgm_ops) "
    "WITH (fastupdate = off)",
    "ANALYZE directory_searchword",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS directory_searchword_trgm"]


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_published_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=60, unique=True)),
                ("documents", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "mot de l'index",
            },
        ),
        RunSQLForVendor("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        RunSQLForVendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
    ]

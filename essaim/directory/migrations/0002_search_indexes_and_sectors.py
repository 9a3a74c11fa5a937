"""Search indexes (SQLite FTS5 tables or PostgreSQL tsvector + trigram) and the reference sectors."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from essaim.directory.migration_ops import RunSQLForVendor


def create_sectors(apps, schema_editor):
    from essaim.directory.sector_mappings import SECTORS  # app code, imported only when the migration runs

    Sector = apps.get_model("directory", "Sector")
    for position, (slug, (name, keywords, children)) in enumerate(SECTORS.items()):
        parent, _ = Sector.objects.update_or_create(
            slug=slug, defaults={"name": name, "keywords": keywords, "position": position, "parent": None}
        )
        for child_position, (child_slug, child_name) in enumerate(children.items()):
            Sector.objects.update_or_create(
                slug=child_slug,
                defaults={"name": child_name, "keywords": "", "position": child_position, "parent": parent},
            )


SQLITE_FORWARD = [
    # Terms are pre-analysed in Python (analysis.py): the tokenizer only splits on spaces.
    "CREATE VIRTUAL TABLE directory_structure_fts USING fts5(search_name, search_body, tokenize='unicode61')",
    "CREATE VIRTUAL TABLE directory_structure_names USING fts5(name_normalised, tokenize='trigram')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS directory_structure_fts", "DROP TABLE IF EXISTS directory_structure_names"]

POSTGRES_FORWARD = [
    "ALTER TABLE directory_structure ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'D')) STORED",
    "CREATE INDEX directory_structure_search_gin ON directory_structure USING gin (search_vector)",
    "CREATE INDEX directory_structure_name_trgm ON directory_structure USING gin (name_normalised gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_structure_name_trgm",
    "DROP INDEX IF EXISTS directory_structure_search_gin",
    "ALTER TABLE directory_structure DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        TrigramExtension(),
        RunSQLForVendor("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        RunSQLForVendor("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD),
        migrations.RunPython(create_sectors, migrations.RunPython.noop),
    ]

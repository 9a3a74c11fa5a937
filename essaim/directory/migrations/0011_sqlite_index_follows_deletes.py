"""SQLite: a deleted structure leaves the search index (its FTS5 rows for words and names), whoever deletes
it (a cascade from its organisation, the back office, a flush). Before, only `SqliteBackend.index` wrote
those tables: a deleted structure's rows stayed, and counted in totals ("3 structures trouvées" over two
listed), or matched under the id of a structure created later. Existing orphan rows are removed."""

from django.db import migrations

from essaim.directory.migration_ops import RunSQLForVendor

SQLITE_FORWARD = [
    "DELETE FROM directory_structure_fts WHERE rowid NOT IN (SELECT id FROM directory_structure)",
    "DELETE FROM directory_structure_names WHERE rowid NOT IN (SELECT id FROM directory_structure)",
    "CREATE TRIGGER directory_structure_search_ad AFTER DELETE ON directory_structure BEGIN "
    "DELETE FROM directory_structure_fts WHERE rowid = old.id; "
    "DELETE FROM directory_structure_names WHERE rowid = old.id; END",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS directory_structure_search_ad"]


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_import_review_and_reports"),
    ]

    operations = [
        RunSQLForVendor("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]

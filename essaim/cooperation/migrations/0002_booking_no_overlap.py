"""On PostgreSQL, no two accepted bookings of one resource may overlap: an exclusion constraint (btree_gist).

SQLite has no exclusion constraints; there `services.booking_accept` checks inside an IMMEDIATE transaction.
The constraint is not declared in `Booking.Meta` so that the model state stays the same on both databases.
"""

from django.db import migrations

from essaim.cooperation.migration_ops import RunSQLOnPostgres


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]

    operations = [
        RunSQLOnPostgres("CREATE EXTENSION IF NOT EXISTS btree_gist", reverse_sql=migrations.RunSQL.noop),
        RunSQLOnPostgres(
            """
            ALTER TABLE cooperation_booking ADD CONSTRAINT booking_no_overlap_accepted
            EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
            WHERE (status = 'acceptee')
            """,
            reverse_sql="ALTER TABLE cooperation_booking DROP CONSTRAINT booking_no_overlap_accepted",
        ),
    ]

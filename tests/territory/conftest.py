"""Fixtures of the territory tests.

`territory_data` loads the committed extract (35 000 communes) once per test module, inside a transaction that
is rolled back when the module ends: tests of other apps, whatever order pytest-randomly picks, never see it.
Each test still runs in its own savepoint (plain `django_db`, not `transaction=True`, which would flush).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from essaim.territory.services import LoadReport, territory_load


@pytest.fixture(scope="module")
def territory_data(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[LoadReport]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        report = territory_load()
        # Fire the deferred foreign-key checks of the 250k new rows now, once: left pending, PostgreSQL would
        # run them again at each test's teardown (Django's TestCase checks constraints before rolling back).
        connection.check_constraints()
        yield report
        transaction.set_rollback(True)

"""Fixtures of the sourcing tests: the real territory extract and the directory demo, once per module.

Loaded inside a transaction rolled back when the module ends (as the territory tests do), so no other test
sees them; each test still runs in its own savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def demo_directory(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    from essaim.directory.demo import load_demo_structures
    from essaim.territory.services import territory_load

    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        territory_load()
        load_demo_structures()
        yield
        transaction.set_rollback(True)

"""Concurrent registrations on PostgreSQL: never more confirmed than seats, no duplicate registration."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from essaim.accounts.models import User
from essaim.events.models import Event, Registration

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite runs deselect this module)")


def test_two_hundred_concurrent_registrations_for_eighty_seats(transactional_db) -> None:
    out = StringIO()
    call_command("stress_registration", seats=80, attempts=200, workers=20, stdout=out)
    assert json.loads(out.getvalue()) == {"confirmed": 80, "waitlisted": 120, "duplicates": 0}
    # The command cleans up after itself.
    assert not Event.objects.exists() and not Registration.objects.exists() and not User.objects.exists()


def test_a_small_event_under_heavy_contention_stays_within_its_seats(transactional_db) -> None:
    from essaim.events.management.commands.stress_registration import run_stress

    assert run_stress(seats=3, attempts=60, workers=30) == {"confirmed": 3, "waitlisted": 57, "duplicates": 0}

"""Concurrent acceptances never leave two accepted bookings overlapping (PostgreSQL: real parallelism)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from essaim.cooperation.management.commands.stress_booking import count_overlaps, run_stress
from essaim.cooperation.models import Booking
from essaim.cooperation.services import booking_request

from .factories import make_resource, period

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite runs deselect this module)")


def test_stress_concurrent_bookings_leave_no_overlap() -> None:
    result = run_stress(attempts=200, workers=20, seed=7)
    assert result["overlaps"] == 0
    assert result["accepted"] + result["refused"] == 200
    assert result["accepted"] >= 1


def test_the_exclusion_constraint_refuses_an_overlap_written_behind_the_services_back(world) -> None:
    resource = make_resource(world.supplier_org)
    start, end = period(2)
    a = booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=start, ends_at=end
    )
    b = booking_request(
        actor=None, resource=resource, organisation=world.partner_org, starts_at=start, ends_at=end
    )
    Booking.objects.filter(pk=a.pk).update(status=Booking.Status.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=b.pk).update(status=Booking.Status.ACCEPTED)
    assert count_overlaps(resource.pk) == 0

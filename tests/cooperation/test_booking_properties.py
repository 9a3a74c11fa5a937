"""Property: whatever the periods asked for and the order of acceptance, accepted bookings never overlap, and
a refused acceptance always collides with an accepted booking."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.cooperation import services
from essaim.cooperation.matching import periods_overlap
from essaim.cooperation.models import Booking

from .factories import make_resource

periods = st.lists(st.tuples(st.integers(0, 48), st.integers(1, 12)), min_size=1, max_size=10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asked=periods)
def test_accepted_bookings_never_overlap(world, asked: list[tuple[int, int]]) -> None:
    origin = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    with transaction.atomic():
        resource = make_resource(world.supplier_org)
        refused = []
        for start, length in asked:
            starts_at = origin + timedelta(hours=start)
            booking = services.booking_request(
                actor=None,
                resource=resource,
                organisation=world.buyer_org,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=length),
            )
            try:
                services.booking_accept(actor=None, booking=booking)
            except services.BookingConflictError:
                refused.append(booking)
        accepted = list(Booking.objects.filter(resource=resource, status=Booking.Status.ACCEPTED))
        for i, a in enumerate(accepted):
            for b in accepted[i + 1 :]:
                assert not periods_overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at)
        for r in refused:
            assert any(periods_overlap(r.starts_at, r.ends_at, a.starts_at, a.ends_at) for a in accepted)
        assert len(accepted) + len(refused) == len(asked)
        transaction.set_rollback(True)

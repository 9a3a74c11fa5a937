"""The pure matching rules (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from essaim.cooperation.matching import Offered, Wanted, offer_matches, periods_overlap

MARCH = Wanted("vehicule", "94081", date(2026, 3, 1), date(2026, 3, 31))


def test_same_kind_and_place_served_matches() -> None:
    assert offer_matches(MARCH, Offered("vehicule", frozenset({"94081", "94041"}), None, None))


def test_other_kind_or_other_place_does_not_match() -> None:
    assert not offer_matches(MARCH, Offered("locaux", None, None, None))
    assert not offer_matches(MARCH, Offered("vehicule", frozenset({"91027"}), None, None))


def test_offer_without_place_serves_everywhere() -> None:
    assert offer_matches(MARCH, Offered("vehicule", None, None, None))


def test_availability_must_meet_the_wanted_dates() -> None:
    assert not offer_matches(MARCH, Offered("vehicule", None, date(2026, 4, 1), None))
    assert not offer_matches(MARCH, Offered("vehicule", None, None, date(2026, 2, 28)))
    assert offer_matches(MARCH, Offered("vehicule", None, date(2026, 3, 31), date(2026, 6, 1)))


hours = st.integers(min_value=0, max_value=200)


@given(hours, st.integers(1, 50), hours, st.integers(1, 50))
def test_overlap_is_symmetric_and_agrees_with_shared_hours(a: int, la: int, b: int, lb: int) -> None:
    origin = datetime(2026, 1, 1)  # noqa: DTZ001  (pure arithmetic)
    a0, a1 = origin + timedelta(hours=a), origin + timedelta(hours=a + la)
    b0, b1 = origin + timedelta(hours=b), origin + timedelta(hours=b + lb)
    shared = set(range(a, a + la)) & set(range(b, b + lb))
    assert periods_overlap(a0, a1, b0, b1) == periods_overlap(b0, b1, a0, a1) == bool(shared)

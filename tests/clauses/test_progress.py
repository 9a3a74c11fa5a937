"""Hours owed, completion and the projection to the end date (pure functions, no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.clauses.progress import add_months, age_band, completion, month_range, months_between, progress
from essaim.sourcing.reservation import insertion_hours

amounts = st.decimals(min_value=0, max_value=50_000_000, places=2)
shares = st.decimals(min_value=0, max_value=1, places=4)
costs = st.decimals(min_value=Decimal("0.01"), max_value=200, places=2)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


def test_hours_owed_of_the_reference_example_and_halves() -> None:
    assert insertion_hours(Decimal(1_000_000), Decimal("0.5"), Decimal("0.05"), Decimal(30)) == 833
    # 600 × 0.5 × 0.05 ÷ 30 = 0.5 exactly: halves go up whatever binary floats would say
    assert insertion_hours(600, 0.5, 0.05, 30) == 1
    assert insertion_hours(Decimal(1_260), Decimal("0.5"), Decimal("0.05"), Decimal(30)) == 1  # 1.05


@settings(max_examples=300, deadline=None)
@given(amounts, shares, shares, costs)
def test_hours_owed_is_the_exact_product_rounded_half_up(
    amount: Decimal, share: Decimal, rate: Decimal, cost: Decimal
) -> None:
    exact = Fraction(amount) * Fraction(share) * Fraction(rate) / Fraction(cost)
    hours = insertion_hours(amount, share, rate, cost)
    assert Fraction(hours) - Fraction(1, 2) <= exact < Fraction(hours) + Fraction(1, 2)


def test_completion_is_rounded_to_four_decimals_and_zero_when_nothing_is_owed() -> None:
    assert completion(Decimal(1), 3) == 0.3333
    assert completion(Decimal(2), 3) == 0.6667
    assert completion(Decimal(10), 0) == 0.0


def test_months() -> None:
    assert months_between(date(2025, 1, 15), date(2025, 12, 1)) == 12
    assert months_between(date(2025, 3, 1), date(2025, 2, 28)) == 0
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 1)
    assert month_range(date(2025, 11, 5), date(2026, 1, 2)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


def test_projection_warns_when_the_pace_misses_the_target() -> None:
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    behind = progress(hours_owed=1200, start=start, end=end, hours_done=Decimal(300), today=date(2025, 7, 10))
    assert behind.months_total == 12 and behind.months_elapsed == 6
    assert behind.projected == Decimal(600) and behind.will_miss
    assert behind.expected_by_now == Decimal(600)
    assert behind.pace_needed == Decimal(150)
    ahead = progress(hours_owed=1200, start=start, end=end, hours_done=Decimal(700), today=date(2025, 7, 10))
    assert ahead.projected == Decimal(1400) and not ahead.will_miss


def test_no_projection_before_the_first_month_is_over() -> None:
    state = progress(
        hours_owed=100,
        start=date(2025, 5, 3),
        end=date(2026, 5, 2),
        hours_done=Decimal(0),
        today=date(2025, 5, 20),
    )
    assert state.months_elapsed == 0 and state.projected is None and not state.will_miss


@settings(max_examples=300, deadline=None)
@given(
    days, st.integers(0, 60), days, st.decimals(min_value=0, max_value=5000, places=2), st.integers(0, 5000)
)
def test_projection_properties(start: date, length: int, today: date, done: Decimal, owed: int) -> None:
    end = start + timedelta(days=30 * length)
    state = progress(hours_owed=owed, start=start, end=end, hours_done=done, today=today)
    assert 0 <= state.months_elapsed <= state.months_total
    rounded = done.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if state.projected is not None:
        assert state.projected >= rounded
        if state.months_elapsed == state.months_total:
            assert state.projected == rounded
        assert state.will_miss == (state.projected < owed)
    assert 0 <= state.expected_by_now <= owed


def test_age_bands() -> None:
    assert age_band(2000, 2025) == "moins-26"
    assert age_band(1999, 2025) == "26-49"
    assert age_band(1975, 2025) == "50-plus"
    assert age_band(None, 2025) == "inconnu"

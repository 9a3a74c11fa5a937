"""Where a clause stands: hours done against hours owed, and the projection to the contract's end date.

Pure (no Django), typed, property-tested (tests/clauses/test_progress.py).

- **Completion** = hours worked ÷ hours owed, rounded to 4 decimals (0 when nothing is owed). Training
  hours are shown apart and do not count.
- **Projection** at the current pace: the months of the contract are counted from its start month to its
  end month, both included. The months already over at `today` (the current month is not: it is still
  being worked) are the elapsed ones; the pace is hours worked ÷ elapsed months; the projection is hours
  worked + pace × months left. Before the first month is over there is no pace, hence no projection.
- **Alert** when the projection stays under the hours owed (the clause will miss its target at this pace).
- **Expected by now** = hours owed × elapsed months ÷ months of the contract: a straight line from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> int:
    """Months from the month of `first` to the month of `last`, both included (0 if `last` is before)."""
    count = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return max(count, 0)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """First days of the months from `first` to `last`, both included."""
    return [add_months(first, offset) for offset in range(months_between(first, last))]


def completion(hours_done: Decimal | float, hours_owed: Decimal | float | int) -> float:
    owed = Decimal(str(hours_owed))
    if owed <= 0:
        return 0.0
    ratio = Decimal(str(hours_done)) / owed
    return float(ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Progress:
    hours_owed: int
    hours_done: Decimal
    training_hours: Decimal
    months_total: int
    months_elapsed: int
    completion: float
    expected_by_now: Decimal
    projected: Decimal | None

    @property
    def months_left(self) -> int:
        return self.months_total - self.months_elapsed

    @property
    def will_miss(self) -> bool:
        """At the current pace, the clause ends under its hours owed (needs at least one month of pace)."""
        return self.projected is not None and self.projected < self.hours_owed

    @property
    def hours_left(self) -> Decimal:
        return max(Decimal(self.hours_owed) - self.hours_done, Decimal(0))

    @property
    def pace_needed(self) -> Decimal | None:
        """Hours a month needed from now on to reach the target (None when no month is left)."""
        if self.months_left <= 0:
            return None
        return (self.hours_left / self.months_left).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def progress(
    *,
    hours_owed: int,
    start: date,
    end: date,
    hours_done: Decimal,
    training_hours: Decimal = Decimal(0),
    today: date,
) -> Progress:
    """The state of one clause at `today` (see the module docstring for the rules)."""
    total = months_between(start, end)
    elapsed = min(months_between(start, add_months(today, -1)), total)
    expected = (
        (Decimal(hours_owed) * elapsed / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if total
        else Decimal(0)
    )
    projected = None
    if elapsed > 0:
        pace = hours_done / elapsed
        projected = (hours_done + pace * (total - elapsed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Progress(
        hours_owed=hours_owed,
        hours_done=hours_done,
        training_hours=training_hours,
        months_total=total,
        months_elapsed=elapsed,
        completion=completion(hours_done, hours_owed),
        expected_by_now=expected,
        projected=projected,
    )


AGE_BANDS = (
    ("moins-26", "Moins de 26 ans"),
    ("26-49", "De 26 à 49 ans"),
    ("50-plus", "50 ans et plus"),
    ("inconnu", "Âge non renseigné"),
)


def age_band(birth_year: int | None, year: int) -> str:
    """The age band of a person born in `birth_year`, reached during `year`."""
    if birth_year is None:
        return "inconnu"
    age = year - birth_year
    if age < 26:
        return "moins-26"
    if age < 50:
        return "26-49"
    return "50-plus"

"""Calendar arithmetic shared by the apps. Pure: no Django (the DECP import's workers use it)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """`start` + `months` calendar months; the day is clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    year, month_index = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month_index + 1)[1])
    return date(year, month_index + 1, day)

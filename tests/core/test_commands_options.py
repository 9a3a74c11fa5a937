"""Management commands read their date options the same way (`essaim.core.commands.date_option`)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.core.commands import date_option


def test_a_date_option_is_read_or_refused_in_french() -> None:
    assert date_option("2026-02-28") == date(2026, 2, 28)
    assert date_option(date(2026, 1, 1)) == date(2026, 1, 1)
    assert date_option(None) is None and date_option("") is None
    for bad in ("2026-02-30", "01/01/2026", "demain"):
        with pytest.raises(CommandError, match="Date invalide"):
            date_option(bad)


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["clauses_purge", "clauses_remind"])
def test_daily_commands_refuse_a_bad_day_before_doing_anything(command: str) -> None:
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command(command, "--today", "07/12/2026")

"""What the management commands share: reading their options the same way, with the same French messages."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def date_option(value: str | date | None) -> date | None:
    """A `YYYY-MM-DD` option (None when not given); a bad date stops the command with a French message.
    Read in `handle()`, not as an argparse `type`: `call_command(..., today="...")` skips argparse types."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Date invalide : « {value} » (attendu : AAAA-MM-JJ).") from error

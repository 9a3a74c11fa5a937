"""System check: the retention periods must make sense (the page states them, the purge applies them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

REQUIRED = (
    "inactive_account",
    "inactive_account_warning",
    "invitation",
    "login_attempt",
    "finished_task",
    "email_log",
    "contact_message",
)


@register()
def retention_periods_are_sound(app_configs: Any, **kwargs: Any) -> list[Error]:
    periods = getattr(settings, "PRIVACY_RETENTION_DAYS", {})
    errors = [
        Error(f"PRIVACY_RETENTION_DAYS[{name!r}] must be a whole number of days ≥ 1.", id="essaim.E020")
        for name in REQUIRED
        if not isinstance(periods.get(name), int) or periods[name] < 1
    ]
    if not errors and periods["inactive_account_warning"] >= periods["inactive_account"]:
        errors.append(
            Error(
                "RETENTION_INACTIVE_ACCOUNT_WARNING_DAYS must be shorter than RETENTION_INACTIVE_ACCOUNT_DAYS.",
                id="essaim.E021",
            )
        )
    return errors

"""Login throttling with django-axes: one email whatever its letter case, the real client address, and a
limit per address against password spraying (many accounts tried from one address).

Attempts live in the database (axes' `AccessAttempt`), so every application instance sees the same counts.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The email the throttle counts: trimmed and lower-cased, as logins match it (`email__iexact`)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    if value is None:
        return None
    return str(value).strip().lower()


def failures_from_address(request: HttpRequest) -> int:
    """Failed logins from the request's address within the cool-off period, whatever the accounts."""
    total = (
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    return int(total)


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler plus `ESSAIM_LOGIN_IP_FAILURE_LIMIT` failures per address."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return failures_from_address(request) >= settings.ESSAIM_LOGIN_IP_FAILURE_LIMIT

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if failures_from_address(request) >= settings.ESSAIM_LOGIN_IP_FAILURE_LIMIT:
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]

"""An SMTP server that fails on demand, for tests of what happens when mail cannot go out."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings


class FlakyBackend(EmailBackend):
    """Refuses the next `failures` messages (as an unreachable SMTP server), then accepts (into the outbox)."""

    failures = 0
    tries = 0

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        FlakyBackend.tries += 1
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_smtp() -> Iterator[type[FlakyBackend]]:
    """`flaky_smtp.failures = n`: the next n sends fail; `flaky_smtp.tries` counts the attempts."""
    FlakyBackend.failures, FlakyBackend.tries = 0, 0
    with override_settings(EMAIL_BACKEND="tests.mail_support.FlakyBackend"):
        yield FlakyBackend

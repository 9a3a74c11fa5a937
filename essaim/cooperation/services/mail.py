"""Emails of the cooperation capability: an organisation's addresses, and mails sent after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from essaim.accounts.models import Membership, Organisation


def emails_of(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def mail_after_commit(messages: list[tuple[str, str, list[str]]]) -> None:
    """Queue emails (subject, body, recipients) to be sent once the transaction is committed."""
    batch = [(s, b, settings.DEFAULT_FROM_EMAIL, to) for s, b, to in messages if to]
    if batch:
        transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=False))

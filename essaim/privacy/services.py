"""Writes about a person's own data: deleting an account (on request or for inactivity).

A deleted account keeps its row, because the records of organisations (answers to needs, event
registrations, meetings, audit entries) point to it: the row is emptied of personal data and named
"Personne supprimée n°<n>", every app erases or ends what it declared (`essaim.core.personal_data`), the
audit trail loses the person's address and name, and every session of the person ends (an inactive
account with a changed password hash is refused by the session check of django.contrib.auth).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import User
from essaim.core import personal_data
from essaim.core.audit import log_action
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.core.models import AuditLog

from .errors import ALREADY_DELETED, AccountDeletionRefused, PrivacyError
from .models import AccountErasure, InactivityNotice

PSEUDONYM = "Personne supprimée n°{number}"
PSEUDONYM_EMAIL = "personne-supprimee-{number}@compte-supprime.invalid"
REDACTED = "[personne supprimée]"


@transaction.atomic
def account_delete(*, person: User, reason: str, check_obstacles: bool = True) -> AccountErasure:
    """Delete `person`'s account. On request, the obstacles of every app (e.g. the last administrator
    of an organisation) refuse it first; for inactivity, the account goes whatever they say."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if AccountErasure.objects.filter(user=person).exists():
        raise PrivacyError(ALREADY_DELETED)
    if check_obstacles:
        obstacles = personal_data.deletion_obstacles(person)
        if obstacles:
            raise AccountDeletionRefused(obstacles)
    erasure = AccountErasure.objects.create(user=person, reason=reason)
    former = personal_data.Former(
        email=person.email,
        full_name=person.full_name,
        pseudonym=PSEUDONYM.format(number=erasure.pk),
    )
    person.email = PSEUDONYM_EMAIL.format(number=erasure.pk)
    person.full_name = former.pseudonym
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.last_login = None
    person.set_unusable_password()  # a new hash: every session of the person fails its check
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    for erase in personal_data.erasers():
        erase(person, former)
    _redact_audit_trail(former)
    log_action(
        actor=None,
        action="account.deleted",
        target=person,
        data={"reason": reason, "erasure": erasure.pk},
    )
    return erasure


def _redact_audit_trail(former: personal_data.Former) -> None:
    """Replace the person's address (and name, in object labels) in the audit trail. The entries stay:
    they tell the organisations' history, and their author is now the pseudonymised row."""
    needles = [former.email]
    label_needles = [former.email] + ([former.full_name] if len(former.full_name) >= 5 else [])
    condition = Q(data__icontains=former.email)
    for needle in label_needles:
        condition |= Q(object_repr__icontains=needle)
    for entry in AuditLog.objects.filter(condition).only("pk", "data", "object_repr"):
        entry.data = _redacted(entry.data, needles)
        entry.object_repr = _redacted_text(entry.object_repr, label_needles)
        entry.save(update_fields=["data", "object_repr"])


def _redacted_text(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
    return text


def _redacted(value: object, needles: list[str]) -> object:
    """`value` (JSON data) with every occurrence of the needles replaced, at any depth."""
    if isinstance(value, str):
        return _redacted_text(value, needles)
    if isinstance(value, list):
        return [_redacted(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item, needles) for key, item in value.items()}
    return value


# ---------------------------------------------------------------- retention


def privacy_purge(*, now: datetime | None = None) -> dict[str, int | None]:
    """Apply every retention period declared in the registry (`essaim privacy_purge`, daily). Returns the
    number of rows removed per kind of record; one audit entry records the counts. Each purge commits on
    its own (one bulk delete, or one transaction per deleted account)."""
    now = now or timezone.now()
    removed = {
        entry.key: entry.purge(now) for entry in personal_data.processings() if entry.purge is not None
    }
    log_action(actor=None, action="privacy.purged", data=removed)
    return removed


def _people_last_seen() -> Any:
    return User.objects.filter(erasure__isnull=True, is_superuser=False).annotate(
        last_seen=Coalesce("last_login", "date_joined")
    )


def inactive_accounts_purge(now: datetime) -> int:
    """Warn the people whose account reaches its inactivity period within the notice period; delete the
    accounts of those warned at least the notice period ago and still inactive. Superusers (the
    platform's technical administrators) are left alone. Returns the number of accounts deleted."""
    period = timedelta(days=personal_data.retention_days("inactive_account"))
    notice = timedelta(days=personal_data.retention_days("inactive_account_warning"))
    # Whoever logged in after their warning keeps their account: the warning is forgotten.
    InactivityNotice.objects.filter(user__last_login__gt=F("warned_at")).delete()
    due = _people_last_seen().filter(
        last_seen__lt=now - period, inactivity_notice__warned_at__lte=now - notice
    )
    deleted = 0
    for person in due:
        account_delete(person=person, reason=AccountErasure.Reason.INACTIVITY, check_obstacles=False)
        deleted += 1
    to_warn = _people_last_seen().filter(last_seen__lt=now - period + notice, inactivity_notice__isnull=True)
    for person in to_warn:
        inactivity_notice_send(
            person=person, now=now, deletion_on=max(now + notice, person.last_seen + period)
        )
    return deleted


@transaction.atomic
def inactivity_notice_send(*, person: User, now: datetime, deletion_on: datetime) -> InactivityNotice:
    """Record the warning and email it (after commit): the date of deletion and how to keep the account."""
    notice = InactivityNotice.objects.create(user=person, warned_at=now)
    log_action(actor=None, action="account.inactivity_warned", target=person)
    send_mail(
        template="privacy/emails/inactivity_warning",
        to=[person.email],
        context={
            "person": person,
            "deletion_on": deletion_on,
            "login_url": absolute_url(reverse("accounts:login")),
            "my_data_url": absolute_url(reverse("privacy:my_data")),
        },
    )
    return notice

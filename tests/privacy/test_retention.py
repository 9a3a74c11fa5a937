"""`essaim privacy_purge` applies each retention period: what is older goes, nothing younger is touched.
Dates are shifted in the database and the purge is run at a chosen `now`."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from essaim.accounts.models import Invitation, User, hash_token
from essaim.core.links import absolute_url
from essaim.core.models import AuditLog, ContactMessage
from essaim.privacy.models import AccountErasure, InactivityNotice
from essaim.privacy.services import privacy_purge
from essaim.sourcing.models import NeedNotification
from tests.accounts.factories import BuyerFactory, UserFactory
from tests.sourcing.factories import make_need, make_toy_structure
from tests.territory_support import make_small_territory

NOW = timezone.now()
DAY = timedelta(days=1)


def days_ago(days: float) -> object:
    return NOW - timedelta(days=days)


@pytest.fixture(autouse=True)
def retention(settings):  # noqa: ANN001, ANN201
    settings.PRIVACY_RETENTION_DAYS = {
        "inactive_account": 730,
        "inactive_account_warning": 30,
        "invitation": 90,
        "login_attempt": 30,
        "finished_task": 30,
        "email_log": 365,
        "contact_message": 365,
    }
    return settings.PRIVACY_RETENTION_DAYS


def invitation(email: str, **dates: object) -> Invitation:
    return Invitation.objects.create(
        organisation=BuyerFactory(),
        email=email,
        token_hash=hash_token(email),
        expires_at=dates.pop("expires_at", NOW + 14 * DAY),
        **dates,
    )


def test_invitations_go_90_days_after_acceptance_cancellation_or_expiry(db) -> None:  # noqa: ANN001
    old_accepted = invitation("a@exemple.fr", accepted_at=days_ago(91))
    old_revoked = invitation("b@exemple.fr", revoked_at=days_ago(91))
    old_expired = invitation("c@exemple.fr", expires_at=days_ago(91))
    recent_accepted = invitation("d@exemple.fr", accepted_at=days_ago(89))
    recent_expired = invitation("e@exemple.fr", expires_at=days_ago(89))
    pending = invitation("f@exemple.fr", expires_at=NOW + 5 * DAY)

    removed = privacy_purge(now=NOW)

    assert removed["accounts.invitations"] == 3
    left = set(Invitation.objects.values_list("pk", flat=True))
    assert left == {recent_accepted.pk, recent_expired.pk, pending.pk}
    assert not left & {old_accepted.pk, old_revoked.pk, old_expired.pk}


def test_login_attempts_go_after_30_days(db) -> None:  # noqa: ANN001
    fields = {"user_agent": "Firefox", "http_accept": "*/*", "path_info": "/compte/connexion/"}
    old_log = AccessLog.objects.create(username="a@exemple.fr", **fields)
    young_log = AccessLog.objects.create(username="b@exemple.fr", **fields)
    old_attempt = AccessAttempt.objects.create(
        username="c@exemple.fr", get_data="", post_data="", failures_since_start=3, **fields
    )
    AccessLog.objects.filter(pk=old_log.pk).update(attempt_time=days_ago(31))
    AccessLog.objects.filter(pk=young_log.pk).update(attempt_time=days_ago(29))
    AccessAttempt.objects.filter(pk=old_attempt.pk).update(attempt_time=days_ago(31))

    assert privacy_purge(now=NOW)["privacy.login_attempts"] == 2
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["b@exemple.fr"]
    assert not AccessAttempt.objects.exists()


def task_row(status: str, finished_days_ago: float | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        status=status,
        args_kwargs={"args": ["personne@exemple.fr"], "kwargs": {}},
        task_path="essaim.sourcing.tasks.notify_need",
        backend_name="default",
        queue_name="default",
        run_after=days_ago(60),
        finished_at=days_ago(finished_days_ago) if finished_days_ago is not None else None,
        exception_class_path="",
        traceback="",
    )


def test_finished_tasks_go_after_30_days_and_waiting_ones_stay(db) -> None:  # noqa: ANN001
    old_done = task_row("SUCCESSFUL", 31)
    old_failed = task_row("FAILED", 31)
    young_done = task_row("SUCCESSFUL", 29)
    waiting = task_row("READY", None)

    assert privacy_purge(now=NOW)["privacy.tasks"] == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {young_done.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_done.pk, old_failed.pk]).exists()


def test_contact_messages_go_after_a_year(db) -> None:  # noqa: ANN001
    old = ContactMessage.objects.create(name="A", email="a@exemple.fr", message="Ancien")
    young = ContactMessage.objects.create(name="B", email="b@exemple.fr", message="Récent")
    ContactMessage.objects.filter(pk=old.pk).update(created_at=days_ago(366))
    ContactMessage.objects.filter(pk=young.pk).update(created_at=days_ago(364))

    assert privacy_purge(now=NOW)["core.contact_messages"] == 1
    assert list(ContactMessage.objects.values_list("message", flat=True)) == ["Récent"]


def test_expired_sessions_go(client, db) -> None:  # noqa: ANN001
    client.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    Session.objects.create(session_key="ancienne", session_data="", expire_date=timezone.now() - DAY)
    privacy_purge(now=NOW)
    assert list(Session.objects.values_list("session_key", flat=True)) == [client.session.session_key]


def person(
    email: str, last_login_days_ago: float | None, joined_days_ago: float = 1000, **fields: object
) -> User:
    user = UserFactory(email=email, **fields)
    User.objects.filter(pk=user.pk).update(
        date_joined=days_ago(joined_days_ago),
        last_login=days_ago(last_login_days_ago) if last_login_days_ago is not None else None,
    )
    return User.objects.get(pk=user.pk)


def test_an_inactive_account_is_warned_then_deleted_and_younger_ones_are_left_alone(
    db,  # noqa: ANN001
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    sleeper = person("dormeur@exemple.fr", last_login_days_ago=710)  # 2 years minus 20 days
    active = person("active@exemple.fr", last_login_days_ago=699)  # outside the notice period
    never = person("jamais@exemple.fr", last_login_days_ago=None, joined_days_ago=800)
    admin = person("technique@exemple.fr", last_login_days_ago=2000, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        removed = privacy_purge(now=NOW)

    assert removed["privacy.accounts"] == 0
    assert set(InactivityNotice.objects.values_list("user__email", flat=True)) == {
        "dormeur@exemple.fr",
        "jamais@exemple.fr",
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["dormeur@exemple.fr", "jamais@exemple.fr"]
    warning = next(m for m in mail.outbox if m.to == ["dormeur@exemple.fr"])
    assert "sera supprimé le" in warning.subject
    assert absolute_url(reverse("accounts:login")) in warning.body
    assert warning.alternatives and "text/html" in warning.alternatives[0][1]

    # A day later: nobody is warned twice, nobody is deleted yet.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy_purge(now=NOW + DAY)["privacy.accounts"] == 0
    assert mail.outbox == []

    # Once the notice period is over, the warned accounts go (and only them).
    removed = privacy_purge(now=NOW + 31 * DAY)
    assert removed["privacy.accounts"] == 2
    assert set(AccountErasure.objects.values_list("user_id", flat=True)) == {sleeper.pk, never.pk}
    assert AccountErasure.objects.filter(reason=AccountErasure.Reason.INACTIVITY).count() == 2
    assert set(User.objects.filter(is_active=True).values_list("email", flat=True)) == {
        active.email,
        admin.email,
    }
    assert not User.objects.filter(email="dormeur@exemple.fr").exists()
    # The deletion is audited without the address.
    assert AuditLog.objects.filter(action="account.deleted").count() == 2
    assert not AuditLog.objects.filter(data__icontains="dormeur@exemple.fr").exists()


def test_logging_in_after_the_warning_keeps_the_account(db) -> None:  # noqa: ANN001
    sleeper = person("dormeur@exemple.fr", last_login_days_ago=720)
    privacy_purge(now=NOW)
    assert InactivityNotice.objects.filter(user=sleeper).exists()
    User.objects.filter(pk=sleeper.pk).update(last_login=NOW + 2 * DAY)

    removed = privacy_purge(now=NOW + 40 * DAY)

    assert removed["privacy.accounts"] == 0
    assert not AccountErasure.objects.exists()
    assert not InactivityNotice.objects.exists()


def test_a_longer_period_set_after_the_warning_spares_the_account(db, retention) -> None:  # noqa: ANN001
    person("dormeur@exemple.fr", last_login_days_ago=720)
    privacy_purge(now=NOW)
    retention["inactive_account"] = 1095
    assert privacy_purge(now=NOW + 31 * DAY)["privacy.accounts"] == 0
    assert not AccountErasure.objects.exists()


def test_the_command_prints_what_each_purge_removed(db) -> None:  # noqa: ANN001
    ContactMessage.objects.create(name="A", email="a@exemple.fr", message="Ancien")
    ContactMessage.objects.update(created_at=timezone.now() - 400 * DAY)
    out = io.StringIO()
    call_command("privacy_purge", stdout=out)
    assert "core.contact_messages: 1" in out.getvalue().splitlines()
    assert AuditLog.objects.get(action="privacy.purged").data["core.contact_messages"] == 1


def test_addresses_of_need_emails_are_blanked_after_a_year_and_the_funnel_rows_stay(db, world) -> None:  # noqa: ANN001
    make_small_territory()
    need = make_need(world.buyer_org, actor=world.users["buyer"])
    rows = []
    for number, sent_days_ago in enumerate([366, 364]):
        structure = make_toy_structure(f"Atelier{number} du réemploi")
        rows.append(
            NeedNotification.objects.create(
                need=need,
                structure=structure,
                rank=number + 1,
                score=1.0,
                email=f"atelier{number}@exemple.fr",
                sent_at=days_ago(sent_days_ago),
            )
        )

    assert privacy_purge(now=NOW)["sourcing.notification_emails"] == 1
    old, young = (NeedNotification.objects.get(pk=row.pk) for row in rows)
    assert old.email == "" and old.sent_at is not None
    assert young.email == "atelier1@exemple.fr"

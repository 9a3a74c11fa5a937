"""Telling suppliers: batches best-ranked first, one email per need and structure, muted sectors and
unsubscribe, signed expiring links, retries, the next batch after 24 h, follow-up and weekly digest."""

from __future__ import annotations

import logging
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from essaim.directory.models import Sector
from essaim.sourcing import notifications, services, tasks
from essaim.sourcing.models import Need, NeedNotification, SupplierPreference
from tests.accounts.factories import OrganisationFactory
from tests.territory_support import make_small_territory

from .factories import make_need, make_toy_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures(world) -> list:
    make_small_territory()
    return [
        make_toy_structure(
            f"Ludothèque{i:02d} solidaire", email=f"s{i:02d}@exemple.fr", organisation=OrganisationFactory()
        )
        for i in range(14)
    ]


def publish(need, capture) -> None:
    with capture(execute=True):
        services.need_publish(actor=None, need=need)


def test_first_batch_goes_to_the_ten_best_ranked(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    publish(need, django_capture_on_commit_callbacks)
    told = list(NeedNotification.objects.filter(need=need).order_by("rank"))
    assert len(told) == notifications.BATCH_SIZE == len(mail.outbox)
    assert all(n.sent_at and n.batch == 1 for n in told)
    assert [n.rank for n in told] == sorted(n.rank for n in told)
    message = mail.outbox[0]
    token = message.body.split("/besoins/lien/")[1].split("/")[0]
    assert notifications.notification_from_token(token) == told[0]
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_running_the_task_again_sends_nothing_more(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    publish(need, django_capture_on_commit_callbacks)
    tasks.notify_need.enqueue(need.pk, 1)
    notifications.send_pending(need.pk)
    assert len(mail.outbox) == notifications.BATCH_SIZE
    assert NeedNotification.objects.filter(need=need).count() == notifications.BATCH_SIZE


def test_next_batch_after_24_hours_while_few_are_interested(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    publish(need, django_capture_on_commit_callbacks)
    assert notifications.need_widen(need.pk) == 0  # too early
    later = timezone.now() + timedelta(hours=25)
    assert need.pk in notifications.needs_due(later)[0]
    assert notifications.need_widen(need.pk, now=later) == 4
    assert NeedNotification.objects.filter(need=need, batch=2).count() == 4
    assert notifications.need_widen(need.pk, now=later + timedelta(days=2)) == 0  # nobody left


def test_muted_sectors_and_stopped_structures_are_skipped(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    muted = SupplierPreference.objects.create(structure=structures[0])
    muted.muted_sectors.set([Sector.objects.get(slug="jeux-jouets")])
    SupplierPreference.objects.create(structure=structures[1], stop_emails=True)
    need = make_need(world.buyer_org)
    publish(need, django_capture_on_commit_callbacks)
    told = set(NeedNotification.objects.filter(need=need).values_list("structure_id", flat=True))
    assert structures[0].pk not in told and structures[1].pk not in told
    assert not [m for m in mail.outbox if {"s00@exemple.fr", "s01@exemple.fr"} & set(m.to)]


def test_a_need_title_holding_a_newline_still_reaches_every_supplier(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    Need.objects.filter(pk=need.pk).update(title="Jouets\r\npour les crèches")
    need.refresh_from_db()
    publish(need, django_capture_on_commit_callbacks)
    assert (
        NeedNotification.objects.filter(need=need, sent_at__isnull=False).count() == notifications.BATCH_SIZE
    )
    assert {m.subject for m in mail.outbox} == {"Un acheteur cherche : Jouets pour les crèches"}


def test_one_click_unsubscribe(client, world, structures) -> None:
    token = notifications.unsubscribe_token(structures[0])
    response = client.post(reverse("sourcing:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert SupplierPreference.objects.get(structure=structures[0]).stop_emails
    assert client.get(reverse("sourcing:unsubscribe", args=[token + "x"])).status_code == 404


def test_signed_link_opens_the_need_without_password_and_expires(client, world, structures) -> None:
    need = make_need(world.buyer_org, publish=True)
    notification = NeedNotification.objects.create(need=need, structure=structures[0], rank=1, score=80)
    token = notifications.need_link_token(notification)
    page = client.get(reverse("sourcing:need_open", args=[token])).content.decode()
    assert need.title in page and "Votre réponse" in page
    notification.refresh_from_db()
    assert notification.opened_at is not None and notification.viewed_at is not None
    tampered = client.get(reverse("sourcing:need_open", args=[token[:-2] + "xx"])).content.decode()
    assert "plus valable" in tampered and need.title not in tampered
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() + 61 * 86400):
        assert notifications.notification_from_token(token) is None
    assert isinstance(signing.TimestampSigner(salt=notifications.LINK_SALT).unsign(token), str)


def test_a_failed_email_is_retried_then_given_up(
    world, structures, flaky_smtp, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    flaky_smtp.failures = 1000  # the SMTP server is down
    publish(need, django_capture_on_commit_callbacks)
    pending = NeedNotification.objects.filter(need=need)
    assert pending.count() == notifications.BATCH_SIZE
    assert set(pending.values_list("attempts", flat=True)) == {notifications.MAX_ATTEMPTS}
    assert not pending.filter(sent_at__isnull=False).exists()
    NeedNotification.objects.filter(need=need).update(attempts=1)
    flaky_smtp.failures = 0  # the server is back
    assert notifications.send_pending(need.pk) == notifications.BATCH_SIZE


def test_reminders_reach_only_those_who_did_not_answer(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    need = make_need(world.buyer_org)
    publish(need, django_capture_on_commit_callbacks)
    first = NeedNotification.objects.filter(need=need).order_by("rank").first()
    services.answer_record(
        actor=None,
        need=need,
        organisation=first.structure.organisation,
        kind="pas-interesse",
        reason="Complet",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        count = services.need_remind(actor=None, need=need)
    assert count == len(mail.outbox) == notifications.BATCH_SIZE - 1
    assert first.email not in {a for m in mail.outbox for a in m.to}
    assert all(m.subject.startswith("Rappel") for m in mail.outbox)


def test_follow_up_after_the_deadline_asks_buyer_and_interested_suppliers_once(
    world, django_capture_on_commit_callbacks
) -> None:
    make_small_territory()
    need = make_need(world.buyer_org, publish=True)
    services.answer_record(
        actor=None, need=need, organisation=world.supplier_org, kind="interesse", answers=["a", "b"]
    )
    later = timezone.now() + timedelta(days=40)
    assert need.pk in notifications.needs_due(later)[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.follow_up(need.pk) == 2
    recipients = {address for m in mail.outbox for address in m.to}
    assert {"acheteur@exemple.fr", "contact@rejoue.fr"} <= recipients
    assert "other" not in " ".join(recipients) and "acheteuse@ivry.fr" not in recipients
    assert notifications.follow_up(need.pk) == 0


def test_weekly_digest_of_new_needs_and_forecasts(
    world, structures, django_capture_on_commit_callbacks
) -> None:
    preference = SupplierPreference.objects.create(structure=structures[0])
    preference.digest_sectors.set([Sector.objects.get(slug="jeux-jouets")])
    need = make_need(world.buyer_org, publish=True)
    assert notifications.digest_subscribers() == [preference.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digest(preference.pk)
    assert need.title in mail.outbox[-1].body and mail.outbox[-1].to == ["s00@exemple.fr"]
    assert not notifications.send_digest(preference.pk)  # not twice in a week


def test_on_the_database_queue_the_worker_sends_the_batch_and_the_24h_check_waits(
    world,
    structures,
    django_capture_on_commit_callbacks,
) -> None:
    from django.core.management import call_command
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        need = make_need(world.buyer_org)
        publish(need, django_capture_on_commit_callbacks)
        assert (
            mail.outbox == [] and DBTaskResult.objects.filter(task_path__endswith="notify_need").count() == 1
        )
        # The test runs in one transaction: the worker must not close the connection between tasks.
        # The worker sets its loggers' levels for the whole process (verbosity 0: CRITICAL), which would
        # silence the error mails of later tests: put them back.
        loggers = [logging.getLogger(name) for name in ("django_tasks", "django.tasks", "django_tasks_db")]
        levels = [logger.level for logger in loggers]
        try:
            with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
                call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        assert len(mail.outbox) == notifications.BATCH_SIZE
        widen = DBTaskResult.objects.get(task_path__endswith="widen_need")
        assert widen.status == "READY" and widen.run_after > timezone.now() + timedelta(hours=23)
        assert widen.args_kwargs["args"] == [need.pk]  # tasks receive ids


def test_a_supplier_viewing_a_need_again_and_again_records_the_step_once_and_queues_nothing(
    client_as,
    world,  # noqa: ANN001
) -> None:
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    make_small_territory()
    structure = make_toy_structure(organisation=world.supplier_org)
    need = make_need(world.buyer_org, publish=True)
    notification = NeedNotification.objects.create(need=need, structure=structure, rank=1, score=80)
    supplier = client_as("supplier")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        queued = DBTaskResult.objects.count()
        assert supplier.get(reverse("sourcing:need_detail", args=[need.pk])).status_code == 200
        notification.refresh_from_db()
        first = notification.viewed_at
        assert first is not None  # the funnel shows it at once, without waiting for a worker
        for _ in range(5):
            supplier.get(reverse("sourcing:need_detail", args=[need.pk]))
        assert DBTaskResult.objects.count() == queued  # no task per view (44 had piled up)
    notification.refresh_from_db()
    assert notification.viewed_at == first and notification.opened_at is None

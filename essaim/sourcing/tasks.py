"""Background jobs of the sourcing capability (django-tasks: inline in tests and the demo, the database
backend in production, run by `essaim worker`). Every task receives ids, never objects, and is idempotent:
a notification row is unique per need and structure and is sent once; a failed email stays unsent and
the task is enqueued again until `notifications.MAX_ATTEMPTS` tries.

`essaim sourcing_tick` (hourly, from cron or a systemd timer) enqueues the next batches and the
follow-ups after the deadline; `essaim sourcing_digest` (weekly) the digests.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from . import notifications


def _later(delay: timedelta) -> dict[str, object]:
    return {"run_after": timezone.now() + delay} if default_task_backend.supports_defer else {}


@task()
def notify_need(need_id: int, batch: int) -> int:
    """Prepare and send batch `batch` of a published need; schedule the widening check 24 h later."""
    sent = notifications.notify_batch(need_id, batch)
    if notifications.has_retries(need_id):
        retry_pending.enqueue(need_id)
    later = _later(notifications.WIDEN_AFTER)
    if later:
        widen_need.using(**later).enqueue(need_id)  # type: ignore[arg-type]
    return sent


@task()
def retry_pending(need_id: int) -> int:
    sent = notifications.send_pending(need_id)
    if notifications.has_retries(need_id):
        retry_pending.enqueue(need_id)
    return sent


@task()
def widen_need(need_id: int) -> int:
    return notifications.need_widen(need_id)


@task()
def send_reminder(notification_id: int) -> bool:
    return notifications.send_reminder(notification_id)


@task()
def tell_buyer_of_answer(answer_id: int) -> None:
    notifications.tell_buyer_of_answer(answer_id)


@task()
def publish_question_reply(question_id: int) -> int:
    return notifications.publish_question_reply(question_id)


@task()
def follow_up(need_id: int) -> int:
    return notifications.follow_up(need_id)


@task()
def send_digest(preference_id: int) -> bool:
    return notifications.send_digest(preference_id)


@task()
def tick() -> int:
    """Enqueue what is due: next batches, follow-ups after the deadline."""
    widen, follow = notifications.needs_due()
    for need_id in widen:
        widen_need.enqueue(need_id)
    for need_id in follow:
        follow_up.enqueue(need_id)
    return len(widen) + len(follow)


@task()
def weekly_digest() -> int:
    subscribers = notifications.digest_subscribers()
    for preference_id in subscribers:
        send_digest.enqueue(preference_id)
    return len(subscribers)

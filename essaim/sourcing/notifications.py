"""Telling suppliers about needs: batches of emails best-ranked first, signed links, unsubscribe, reminders,
the "did you sign?" follow-up after the deadline, and the weekly digest. Called by the tasks in `tasks.py`.

- A batch (`BATCH_SIZE`, 10) goes to the next best-ranked structures that can answer (right sector and place),
  skipping those that stopped emails or muted one of the need's sectors. One `NeedNotification` row per need
  and structure (a unique constraint) makes sending idempotent: a row already sent is never sent again.
- 24 hours after a batch, while fewer than `WIDEN_BELOW` (6) suppliers said they are interested, the next
  batch goes out (`need_widen`), at most `MAX_BATCHES` (3) batches.
- A failed email leaves its row unsent (`attempts` counts the tries); the task is enqueued again until
  `MAX_ATTEMPTS` (3).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.selectors import member_emails
from essaim.core.audit import log_action
from essaim.core.home import waiting_changed
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.directory.models import Structure

from . import selectors
from .models import ForecastInterest, Need, NeedAnswer, NeedNotification, PurchaseForecast, SupplierPreference

logger = logging.getLogger(__name__)

BATCH_SIZE = 10
WIDEN_BELOW = 6
WIDEN_AFTER = timedelta(hours=24)
MAX_BATCHES = 3
MAX_ATTEMPTS = 3
LINK_MAX_AGE = timedelta(days=60)
FOLLOW_UP_AFTER = timedelta(days=7)
LINK_SALT = "essaim.sourcing.need-link"
UNSUBSCRIBE_SALT = "essaim.sourcing.unsubscribe"


# --- signed links ---------------------------------------------------------------------------------------


def need_link_token(notification: NeedNotification) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign(str(notification.pk))


def notification_from_token(token: str) -> NeedNotification | None:
    """The notification a link was made for, or None when it was altered or has expired."""
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        NeedNotification.objects.select_related("need", "need__buyer", "structure").filter(pk=value).first()
    )


def unsubscribe_token(structure: Structure) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(structure.pk))


def structure_from_unsubscribe_token(token: str) -> Structure | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Structure.objects.filter(pk=value).first()


# --- recipients and preferences -------------------------------------------------------------------------


def recipients(structure: Structure) -> list[str]:
    """The structure's contact email, else the emails of its organisation's administrators."""
    if structure.email:
        return [structure.email]
    if not structure.organisation_id:
        return []
    return member_emails(structure.organisation_id, admins_only=True)


def accepts(structure: Structure, need: Need) -> bool:
    preference = SupplierPreference.objects.filter(structure=structure).first()
    if preference is None:
        return True
    if preference.stop_emails:
        return False
    muted = set(preference.muted_sectors.values_list("pk", flat=True))
    if not muted:
        return True
    need_sectors = {s.pk for s in need.sectors.all()} | {
        s.parent_id for s in need.sectors.all() if s.parent_id
    }
    return not (need_sectors & muted)


def _unsubscribe_headers(structure: Structure) -> dict[str, str]:
    url = absolute_url(reverse("sourcing:unsubscribe", args=[unsubscribe_token(structure)]))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _send(
    notification: NeedNotification, template: str, *, queue: bool, extra: dict[str, Any] | None = None
) -> None:
    structure = notification.structure
    to = recipients(structure)
    if not to:
        raise ValueError("no recipient")
    send_mail(
        template=template,
        to=to,
        context={
            "need": notification.need,
            "structure": structure,
            "notification": notification,
            "link": absolute_url(reverse("sourcing:need_open", args=[need_link_token(notification)])),
            "unsubscribe": absolute_url(reverse("sourcing:unsubscribe", args=[unsubscribe_token(structure)])),
            "preferences": absolute_url(reverse("sourcing:preferences")),
            **(extra or {}),
        },
        headers=_unsubscribe_headers(structure),
        queue=queue,
    )


# --- batches --------------------------------------------------------------------------------------------


def notify_batch(need_id: int, batch: int) -> int:
    """Prepare batch `batch` of the need (the next best-ranked structures) and send what is unsent.

    Idempotent: structures already told are skipped (the unique row), a batch prepared twice adds nobody.
    Returns the number of emails sent now.
    """
    need = selectors.need_queryset().filter(pk=need_id, status=Need.Status.PUBLISHED).first()
    if need is None:
        return 0
    if not need.notifications.filter(batch=batch).exists():
        told = set(need.notifications.values_list("structure_id", flat=True))
        matches = selectors.able_matches(need, selectors.need_matches(need))
        # The structures interested in the forecast the need comes from are told first, whatever their
        # rank and on top of the batch (they asked); then the best-ranked others.
        interested = selectors.interested_structure_ids(need)
        by_id = {m.id: m for m in matches}
        first = [
            (pk, by_id[pk].score if pk in by_id else 0.0, _interested_reasons(by_id.get(pk)))
            for pk in sorted(interested - told)
        ]
        ordered = first + [(m.id, m.score, m.reasons) for m in matches if m.id not in interested]
        structures = Structure.objects.in_bulk([pk for pk, _, _ in ordered])
        added = 0
        told_organisations: list[int | None] = []
        for position, (structure_id, score, reasons) in enumerate(ordered, start=1):
            if added >= BATCH_SIZE + len(first):
                break
            structure = structures.get(structure_id)
            if (
                structure is None
                or structure_id in told
                or not accepts(structure, need)
                or not recipients(structure)
            ):
                continue
            try:
                with transaction.atomic():
                    NeedNotification.objects.create(
                        need=need,
                        structure=structure,
                        rank=position,
                        score=score,
                        reasons=reasons,
                        batch=batch,
                        email=recipients(structure)[0],
                    )
            except IntegrityError:  # told meanwhile by another run
                continue
            added += 1
            told_organisations.append(structure.organisation_id)
        log_action(
            actor=None, action="need.batch_prepared", target=need, data={"batch": batch, "structures": added}
        )
        waiting_changed(organisations=told_organisations)
    return send_pending(need_id)


INTERESTED_REASON = "intéressée par la prévision d'achat"


def _interested_reasons(match: Any) -> list[str]:
    return [INTERESTED_REASON, *(match.reasons if match else [])]


def send_pending(need_id: int) -> int:
    """Send every unsent notification of the need, best-ranked first; returns how many left now."""
    sent = 0
    pending = NeedNotification.objects.select_related("need", "need__buyer", "structure").filter(
        need_id=need_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    for notification in pending.order_by("rank"):
        with transaction.atomic():
            locked = NeedNotification.objects.select_for_update().get(pk=notification.pk)
            if locked.sent_at is not None:
                continue
            locked.attempts += 1
            try:
                # Sent at once (not queued): this task keeps the row's attempts and sent time itself.
                _send(notification, "sourcing/emails/need_published", queue=False)
            except Exception:  # the SMTP server or provider failed: keep the row unsent, retry later
                logger.exception(
                    "Envoi du besoin %s à la structure %s impossible", need_id, locked.structure_id
                )
                locked.save(update_fields=["attempts", "updated_at"])
                continue
            locked.sent_at = timezone.now()
            locked.save(update_fields=["attempts", "sent_at", "updated_at"])
            sent += 1
    return sent


def has_retries(need_id: int) -> bool:
    return NeedNotification.objects.filter(
        need_id=need_id, sent_at__isnull=True, attempts__gt=0, attempts__lt=MAX_ATTEMPTS
    ).exists()


def need_widen(need_id: int, *, now: Any = None) -> int:
    """Send the next batch when the last went out 24 h ago and fewer than 6 suppliers are interested."""
    now = now or timezone.now()
    need = Need.objects.filter(pk=need_id, status=Need.Status.PUBLISHED).first()
    if need is None:
        return 0
    last = need.notifications.order_by("-batch").first()
    if last is None or last.batch >= MAX_BATCHES or last.created_at > now - WIDEN_AFTER:
        return 0
    if need.answers.filter(kind=NeedAnswer.Kind.INTERESTED).count() >= WIDEN_BELOW:
        return 0
    return notify_batch(need_id, last.batch + 1)


def mark_step(step: str, **notification: object) -> None:
    """Record the funnel step a structure reached: "opened" the email's link, "viewed" the need.

    `notification` selects the row (`pk=…`, or `need=…, structure=…`). One conditional UPDATE per step that
    changes the row the first time only, so the pages call it as they render: a task per page view piled up
    in the queue until a worker ran (44 for one supplier), one step per event now.
    """
    now = timezone.now()
    rows = NeedNotification.objects.filter(**notification)
    if step == "opened":
        rows.filter(opened_at__isnull=True).update(opened_at=now)
    rows.filter(viewed_at__isnull=True).update(viewed_at=now)


def send_reminder(notification_id: int) -> bool:
    notification = NeedNotification.objects.select_related("need", "need__buyer", "structure").get(
        pk=notification_id
    )
    if (
        notification.need.status != Need.Status.PUBLISHED
        or notification.reminders >= notification.need.reminders_sent
    ):
        return False
    _send(notification, "sourcing/emails/need_reminder", queue=True)
    NeedNotification.objects.filter(pk=notification_id).update(reminders=notification.need.reminders_sent)
    return True


def tell_buyer_of_answer(answer_id: int) -> None:
    answer = NeedAnswer.objects.select_related("need", "organisation").get(pk=answer_id)
    send_mail(
        template="sourcing/emails/answer_received",
        to=member_emails(answer.need.buyer_id),
        context={"answer": answer, "link": absolute_url(reverse("sourcing:answer_detail", args=[answer.pk]))},
    )


def question_reply_recipients(need: Need) -> dict[int, tuple[str, list[str]]]:
    """Who a published answer to a question goes to, by organisation: (link, addresses). Every structure told
    about the need (its signed link) and every supplier interested in it or in its forecast (the need's
    page). The asker is one of them when it is either, and is never named."""
    need_page = absolute_url(reverse("sourcing:need_detail", args=[need.pk]))
    found: dict[int, tuple[str, list[str]]] = {}
    told = need.notifications.filter(sent_at__isnull=False).select_related("structure")
    for notification in told.order_by("rank"):
        key = notification.structure.organisation_id or -notification.structure_id
        to = recipients(notification.structure)
        if to and key not in found:
            link = absolute_url(reverse("sourcing:need_open", args=[need_link_token(notification)]))
            found[key] = (link, to)
    interested = set(
        need.answers.exclude(kind=NeedAnswer.Kind.NOT_INTERESTED).values_list("organisation_id", flat=True)
    )
    if need.forecast_id:
        interested |= set(
            ForecastInterest.objects.filter(forecast_id=need.forecast_id).values_list(
                "organisation_id", flat=True
            )
        )
    for organisation_id in sorted(interested - set(found)):
        to = member_emails(organisation_id)
        if to:
            found[organisation_id] = (need_page, to)
    return found


def publish_question_reply(question_id: int) -> int:
    """Email the buyer's answer to a question to every structure told about the need or interested: one
    message per organisation (no one sees another's address), the asker never named. Returns the count."""
    question = NeedAnswer.objects.select_related("need", "need__buyer").get(pk=question_id)
    if question.kind != NeedAnswer.Kind.QUESTION or not question.reply:
        return 0
    need = question.need
    sent = 0
    for link, to in question_reply_recipients(need).values():
        send_mail(
            template="sourcing/emails/question_answered",
            to=to,
            context={"need": need, "question": question.message, "reply": question.reply, "link": link},
        )
        sent += 1
    log_action(
        actor=None,
        action="need.question_reply_sent",
        target=need,
        organisation_id=need.buyer_id,
        data={"question": question.pk, "organisations": sent},
    )
    return sent


# --- after the deadline -----------------------------------------------------------------------------------


def follow_up(need_id: int) -> int:
    """Ask the buyer and the interested suppliers whether a contract was signed (once per need)."""
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("buyer").get(pk=need_id)
        if need.follow_up_sent_at is not None or need.status == Need.Status.DRAFT:
            return 0
        need.follow_up_sent_at = timezone.now()
        need.save(update_fields=["follow_up_sent_at", "updated_at"])
    link = absolute_url(reverse("sourcing:need_follow_up", args=[need.pk]))
    organisations = [need.buyer_id] + list(
        need.answers.filter(kind=NeedAnswer.Kind.INTERESTED).values_list("organisation_id", flat=True)
    )
    sent = 0
    for organisation_id in organisations:
        to = member_emails(organisation_id)
        if not to:
            continue
        send_mail(template="sourcing/emails/follow_up", to=to, context={"need": need, "link": link})
        sent += 1
    log_action(actor=None, action="need.follow_up_sent", target=need, organisation_id=need.buyer_id)
    return sent


def needs_due(now: Any = None) -> tuple[list[int], list[int]]:
    """(needs to widen, needs to follow up): what the hourly `sourcing_tick` enqueues."""
    now = now or timezone.now()
    published = Need.objects.filter(status=Need.Status.PUBLISHED)
    widen = list(
        published.filter(notifications__created_at__lte=now - WIDEN_AFTER)
        .distinct()
        .values_list("pk", flat=True)
    )
    follow = list(
        Need.objects.filter(
            Q(status=Need.Status.PUBLISHED) | Q(status=Need.Status.CLOSED, outcome=Need.Outcome.AWARDED),
            deadline__lt=timezone.localdate(now),
            follow_up_sent_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    return widen, follow


# --- weekly digest ----------------------------------------------------------------------------------------


def digest_for(preference: SupplierPreference, since: Any) -> tuple[list[Need], list[PurchaseForecast]]:
    sectors = list(preference.digest_sectors.all())
    if not sectors:
        return [], []
    sector_q = Q(sectors__in=sectors) | Q(sectors__parent__in=sectors)
    needs = Need.objects.filter(sector_q, status=Need.Status.PUBLISHED, published_at__gt=since)
    forecasts = PurchaseForecast.objects.filter(
        Q(sector__in=sectors) | Q(sector__parent__in=sectors), published_at__gt=since
    )
    places = [p for p in preference.digest_places if p]
    if places:
        needs = needs.filter(Q(place_code__in=places) | Q(place_code=""))
        forecasts = forecasts.filter(Q(place_code__in=places) | Q(place_code=""))
    return list(needs.distinct().order_by("deadline")), list(
        forecasts.select_related("buyer").order_by("year", "quarter")
    )


def send_digest(preference_id: int, *, now: Any = None) -> bool:
    """The weekly digest of one structure: new needs and forecasts of its sectors and places since the last."""
    now = now or timezone.now()
    with transaction.atomic():
        preference = (
            SupplierPreference.objects.select_for_update().select_related("structure").get(pk=preference_id)
        )
        since = preference.digest_sent_at or now - timedelta(days=7)
        if preference.stop_emails or since > now - timedelta(days=6):
            return False
        needs, forecasts = digest_for(preference, since)
        preference.digest_sent_at = now
        preference.save(update_fields=["digest_sent_at", "updated_at"])
    to = recipients(preference.structure)
    if not (needs or forecasts) or not to:
        return False
    send_mail(
        template="sourcing/emails/digest",
        to=to,
        context={
            "structure": preference.structure,
            "needs": [(n, absolute_url(reverse("sourcing:need_detail", args=[n.pk]))) for n in needs],
            "forecasts": forecasts,
            "forecast_link": absolute_url(reverse("sourcing:forecast_list")),
            "unsubscribe": absolute_url(
                reverse("sourcing:unsubscribe", args=[unsubscribe_token(preference.structure)])
            ),
        },
        headers=_unsubscribe_headers(preference.structure),
    )
    return True


def digest_subscribers() -> list[int]:
    return list(
        SupplierPreference.objects.filter(stop_emails=False, digest_sectors__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )

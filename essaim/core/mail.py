"""The one way Essaim sends an email.

    send_mail(template="events/emails/registration", to=[email], context={...}, attachments=[...])

- The message is rendered at once from `<template>.subject.txt`, `<template>.txt` and, when it exists,
  `<template>.html` (otherwise the HTML alternative is the text in the shared layout `emails/base.html`,
  links made clickable). Text parts are rendered without HTML escaping. The subject is one line: a title
  holding a newline cannot make the message fail. Every context also has `brand` and `site_url`; links
  are built with `essaim.core.links.absolute_url`.
- It is sent by the `deliver_mail` task, enqueued once the transaction commits (nothing is sent for a
  rolled-back write, and an SMTP outage never turns a saved request into a server error). The task gets
  plain data, and enqueues itself again after a failure, up to `MAX_ATTEMPTS` tries. In tests and the
  demo tasks run inline.
- `queue=False` is for code already running in a task that keeps its own per-message bookkeeping
  (sourcing's need notifications count their attempts): the message is sent at once and errors propagate.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import default_task_backend, task

from .links import site_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=5)  # times the attempt number: 5 min, then 10 min


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space: what a header can hold."""
    return " ".join(text.split())


def _render_text(name: str, context: dict[str, Any]) -> str:
    template = engines["django"].engine.get_template(name)  # type: ignore[attr-defined]
    rendered = template.render(Context(context, autoescape=False))
    return "".join([rendered]).strip() + "\n"  # a plain str: never marked safe for the HTML part


def send_mail(
    *,
    template: str,
    to: Sequence[str],
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
    headers: dict[str, str] | None = None,
    reply_to: Sequence[str] = (),
    queue: bool = True,
) -> None:
    """Render the email now and send it after commit through the `deliver_mail` task (see the module)."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"brand": settings.ESSAIM_BRAND, "site_url": site_url(), **context}
    subject = one_line(_render_text(f"{template}.subject.txt", context))
    text = _render_text(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = render_to_string("emails/base.html", {**context, "subject": subject, "text": text})
    message = {  # plain data: what the task receives
        "subject": subject,
        "text": text,
        "html": html,
        "to": recipients,
        "reply_to": [one_line(address) for address in reply_to],
        "headers": {key: one_line(value) for key, value in (headers or {}).items()},
        "attachments": [_attachment_data(a) for a in attachments],
    }
    if not queue:
        _deliver(message)
        return
    transaction.on_commit(lambda: deliver_mail.enqueue(message))


@task()
def deliver_mail(message: dict[str, Any], attempt: int = 1) -> bool:
    """Send one rendered message; after a failure, enqueue it again (later when the backend can defer)."""
    try:
        _deliver(message)
    except Exception:  # the SMTP server or the provider failed: try again, then give up loudly
        if attempt >= MAX_ATTEMPTS:
            logger.exception("Courriel « %s » abandonné après %s essais", message["subject"], attempt)
            return False
        logger.warning("Courriel « %s » : essai %s échoué, nouvel essai", message["subject"], attempt)
        retry = deliver_mail
        if default_task_backend.supports_defer:
            retry = deliver_mail.using(run_after=timezone.now() + RETRY_AFTER * attempt)
        retry.enqueue(message, attempt + 1)
        return False
    return True


def _deliver(message: dict[str, Any]) -> None:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        reply_to=message["reply_to"] or None,
        headers=message["headers"] or None,
    )
    email.attach_alternative(message["html"], "text/html")
    for filename, content, mimetype, encoded in message["attachments"]:
        email.attach(filename, base64.b64decode(content) if encoded else content, mimetype)
    email.send()


def _attachment_data(attachment: Attachment) -> list[Any]:
    if isinstance(attachment.content, bytes):
        return [attachment.filename, base64.b64encode(attachment.content).decode(), attachment.mimetype, True]
    return [attachment.filename, attachment.content, attachment.mimetype, False]

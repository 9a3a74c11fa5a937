"""Writes of the core: contact messages (kept in the database, then emailed)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .audit import log_action
from .models import ContactMessage


@transaction.atomic
def contact_message_create(
    *, topic: str, name: str, email: str, page_url: str, message: str
) -> ContactMessage:
    contact = ContactMessage.objects.create(
        topic=topic, name=name, email=email, page_url=page_url, message=message
    )
    log_action(actor=None, action="contact.received", target=contact, data={"topic": topic})
    subject = f"[{settings.ESSAIM_BRAND['short_name']}] {contact.get_topic_display()} — {name}"
    body = f"De : {name} <{email}>\nPage : {page_url or '—'}\n\n{message}"
    recipient = (
        settings.ACCESSIBILITY_CONTACT_EMAIL
        if topic == ContactMessage.Topic.ACCESSIBILITY
        else settings.ESSAIM_BRAND["contact_email"]
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))
    return contact

"""Writes of the core: contact messages (kept in the database, then emailed)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .audit import log_action
from .idempotency import remember_object, replayed_object
from .mail import send_mail
from .models import ContactMessage


@transaction.atomic
def contact_message_create(
    *, topic: str, name: str, email: str, page_url: str, message: str, idempotency_key: str = ""
) -> ContactMessage:
    """Keep a contact message and email it. A replayed form token returns the message already kept."""
    earlier = replayed_object(idempotency_key, ContactMessage)
    if earlier is not None:
        return earlier
    contact = ContactMessage.objects.create(
        topic=topic, name=name, email=email, page_url=page_url, message=message
    )
    log_action(actor=None, action="contact.received", target=contact, data={"topic": topic})
    remember_object(idempotency_key, contact)
    recipient = (
        settings.ACCESSIBILITY_CONTACT_EMAIL
        if topic == ContactMessage.Topic.ACCESSIBILITY
        else settings.ESSAIM_BRAND["contact_email"]
    )
    send_mail(template="core/emails/contact", to=[recipient], context={"contact": contact}, reply_to=[email])
    return contact

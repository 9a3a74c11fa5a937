"""The one mail entry point: templates (text + HTML), one-line subjects, sent by a task after commit,
retried after an SMTP failure that never reaches the person who made the request."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from essaim.core.mail import MAX_ATTEMPTS, Attachment, send_mail
from essaim.core.models import ContactMessage

pytestmark = pytest.mark.django_db


def _contact(client, **fields: str):
    data = {"topic": "autre", "name": "Awa Diallo", "email": "awa@exemple.fr", "message": "Bonjour"}
    return client.post(reverse("core:contact"), {**data, **fields})


def test_a_newline_in_a_contact_field_reaching_the_subject_sends_a_one_line_subject(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client, name="Awa\r\nBcc: victime@exemple.fr")
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.endswith("Awa Bcc: victime@exemple.fr")
    assert message.to == ["contact@essaim.localhost"] and message.reply_to == ["awa@exemple.fr"]
    assert "victime@exemple.fr" not in message.recipients()


def test_an_email_has_a_text_body_and_an_html_alternative_escaped_only_in_html(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _contact(client, message="Vous & nous : <b>pas de balise</b> https://exemple.fr/page")
    [message] = mail.outbox
    assert "Vous & nous : <b>pas de balise</b>" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Vous &amp; nous : &lt;b&gt;pas de balise&lt;/b&gt;" in html, html
    assert '<a href="https://exemple.fr/page"' in html


def test_nothing_is_sent_for_a_write_that_is_rolled_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        sid = transaction.savepoint()
        send_mail(template="core/emails/contact", to=["a@exemple.fr"], context={"contact": ContactMessage()})
        transaction.savepoint_rollback(sid)
        transaction.set_rollback(True)
    assert mail.outbox == []


def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail(template="core/emails/contact", to=["a@exemple.fr"], context={"contact": ContactMessage()})
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_an_smtp_failure_does_not_break_the_request_and_the_email_is_retried(
    client, flaky_smtp, django_capture_on_commit_callbacks
):
    flaky_smtp.failures = MAX_ATTEMPTS - 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client)
    assert response.status_code == 302 and ContactMessage.objects.count() == 1
    assert flaky_smtp.tries == MAX_ATTEMPTS
    assert len(mail.outbox) == 1


def test_an_email_is_given_up_after_the_last_attempt(client, flaky_smtp, django_capture_on_commit_callbacks):
    flaky_smtp.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        response = _contact(client)
    assert response.status_code == 302 and ContactMessage.objects.count() == 1
    assert flaky_smtp.tries == MAX_ATTEMPTS and mail.outbox == []


def test_attachments_and_headers_reach_the_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail(
            template="core/emails/contact",
            to=["a@exemple.fr", ""],
            context={"contact": ContactMessage(name="Awa", email="awa@exemple.fr", message="M")},
            attachments=[
                Attachment("a.ics", "BEGIN:VCALENDAR", "text/calendar"),
                Attachment("b.bin", b"\x00\x01", "application/octet-stream"),
            ],
            headers={"List-Unsubscribe": "<https://exemple.fr/stop>"},
        )
    [message] = mail.outbox
    assert message.to == ["a@exemple.fr"]
    assert message.extra_headers["List-Unsubscribe"] == "<https://exemple.fr/stop>"
    assert [(name, content) for name, content, _ in message.attachments] == [
        ("a.ics", "BEGIN:VCALENDAR"),
        ("b.bin", b"\x00\x01"),
    ]

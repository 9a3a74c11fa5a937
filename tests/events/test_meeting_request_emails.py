"""Meeting requests are emailed: to the recipient when one arrives, to the requester once decided."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from essaim.accounts.models import Organisation
from essaim.events import services
from essaim.events.services import EventError
from tests.accounts.factories import MemberFactory
from tests.events.factories import meeting_event, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    event = meeting_event(title="Matinale des achats socialement responsables")
    buyer = register(event, MemberFactory(kind=Organisation.Kind.BUYER, admin=True, email="achats@vitry.fr"))
    supplier = register(
        event, MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True, email="contact@rejoue.fr")
    )
    return buyer, supplier


def test_the_recipient_is_emailed_when_a_request_arrives(pair, django_capture_on_commit_callbacks):
    buyer, supplier = pair
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.meeting_request_create(
            actor=buyer.user, requester=buyer, recipient=supplier, priority=3, message="Vos tenues de travail"
        )
    assert len(callbacks) == 2  # the email, and the recipient's home page counts (core.home)
    (message,) = mail.outbox
    assert message.to == ["contact@rejoue.fr"]
    assert buyer.organisation.name in message.subject
    assert "Matinale des achats socialement responsables" in message.subject
    assert "prioritaire" in message.body and "Vos tenues de travail" in message.body
    assert reverse("events:meeting_profile", args=[supplier.pk]) in message.body


@pytest.mark.parametrize(("accept", "word"), [(True, "accepté"), (False, "décliné")])
def test_the_requester_is_emailed_when_the_request_is_decided(
    pair, django_capture_on_commit_callbacks, accept, word
):
    buyer, supplier = pair
    request = services.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_request_decide(actor=supplier.user, request=request, accept=accept)
    (message,) = mail.outbox
    assert message.to == ["achats@vitry.fr"]
    assert word in message.subject and word in message.body
    assert supplier.organisation.name in message.body
    assert reverse("events:meeting_profile", args=[buyer.pk]) in message.body


def test_deciding_the_same_way_twice_sends_one_email(pair, django_capture_on_commit_callbacks):
    buyer, supplier = pair
    request = services.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_request_decide(actor=None, request=request, accept=True)
        services.meeting_request_decide(actor=None, request=request, accept=True)
    assert len(mail.outbox) == 1


def test_a_refused_request_sends_nothing(pair, django_capture_on_commit_callbacks):
    buyer, supplier = pair
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(EventError):
            services.meeting_request_create(actor=None, requester=buyer, recipient=buyer, priority=2)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=2)
            raise RuntimeError("rolled back")
    assert callbacks == [] and mail.outbox == []

"""Rate limits on what anyone can post without an account: the contact form and the signed need links."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from essaim.core.models import ContactMessage
from essaim.sourcing.models import NeedAnswer, NeedNotification
from essaim.sourcing.notifications import need_link_token
from tests.sourcing.factories import make_need, make_toy_structure
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db


def _contact(client: Client, number: int, **headers: str):  # noqa: ANN202
    return client.post(
        reverse("core:contact"),
        {
            "topic": "autre",
            "name": "Camille",
            "email": "camille@exemple.fr",
            "page_url": "",
            "message": f"Message numéro {number}",
        },
        **headers,
    )


@override_settings(ESSAIM_TRUSTED_PROXY_COUNT=1)
def test_the_contact_form_is_throttled_per_address(client, settings) -> None:  # noqa: ANN001
    limit = settings.ESSAIM_RATE_LIMITS["contact"]["limit"]
    for number in range(limit):
        assert _contact(client, number, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 302
    refused = _contact(client, 99, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert refused.status_code == 429
    assert "Trop de messages" in refused.content.decode()
    assert ContactMessage.objects.count() == limit
    # Another address is not held back by the first one.
    assert _contact(Client(), 100, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    # Nothing in the database says which address sent what.
    from essaim.core.models import RateLimitHit

    assert not RateLimitHit.objects.filter(key__contains="203.0.113.5").exists()


@pytest.fixture
def link(world):  # noqa: ANN001, ANN201
    make_small_territory()
    need = make_need(world.buyer_org, publish=True)
    structure = make_toy_structure("Rejoué (atelier)", organisation=world.supplier_org)
    notification, _ = NeedNotification.objects.get_or_create(
        need=need, structure=structure, defaults={"rank": 1, "score": 80}
    )
    return need, reverse("sourcing:need_open", args=[need_link_token(notification)])


def test_posting_the_same_question_again_through_a_link_records_it_once(client, link, world) -> None:  # noqa: ANN001
    need, url = link
    mail.outbox.clear()
    for _ in range(4):
        response = client.post(url, {"kind": "question", "message": "Peut-on livrer en deux fois ?"})
        assert response.status_code == 302
    assert NeedAnswer.objects.filter(need=need, kind="question").count() == 1
    buyer_mails = [m for m in mail.outbox if world.users["buyer"].email in m.to]
    assert len(buyer_mails) <= 1


def test_posting_the_same_interest_again_through_a_link_does_not_tell_the_buyer_again(
    client, link, world
) -> None:  # noqa: ANN001
    need, url = link
    data = {"kind": "interesse", "question_0": "15 jours", "question_1": "EN 71"}
    assert client.post(url, data).status_code == 302
    told = len(mail.outbox)
    for _ in range(3):
        client.post(url, data)
    assert NeedAnswer.objects.filter(need=need).count() == 1
    assert len(mail.outbox) == told


def test_a_link_posting_many_different_questions_is_rate_limited(client, link, settings) -> None:  # noqa: ANN001
    need, url = link
    limit = settings.ESSAIM_RATE_LIMITS["need_link"]["limit"]
    for number in range(limit):
        client.post(url, {"kind": "question", "message": f"Question {number} ?"})
    refused = client.post(url, {"kind": "question", "message": "Encore une question ?"})
    assert refused.status_code == 429
    assert "Trop de réponses" in refused.content.decode()
    assert NeedAnswer.objects.filter(need=need, kind="question").count() == limit

"""The sourcing demo: Vitry's published toys need with Rejoué told first, a draft, two forecasts; idempotent."""

from __future__ import annotations

import pytest
from django.core import mail

from essaim.accounts.demo import load_demo_people
from essaim.sourcing.demo import TOYS_TITLE, load_demo
from essaim.sourcing.models import Need, PurchaseForecast

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.usefixtures("demo_directory")]


def test_demo_is_the_acceptance_starting_point_and_idempotent(django_capture_on_commit_callbacks) -> None:
    load_demo_people()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    need = Need.objects.get(title=TOYS_TITLE)
    assert need.status == Need.Status.PUBLISHED and need.buyer.name == "Ville de Vitry-sur-Seine"
    assert Need.objects.filter(buyer=need.buyer).count() == 2
    first = need.notifications.order_by("rank").first()
    assert first is not None and first.structure.name == "Rejoué" and first.sent_at is not None
    assert PurchaseForecast.objects.filter(buyer=need.buyer).count() == 2
    assert mail.outbox == []  # the demo sends no email


def test_market_demo_forecast_interest_and_an_answered_question(django_capture_on_commit_callbacks) -> None:
    from essaim.sourcing.demo import MARKET_FORECAST_TITLE, MARKET_QUESTION, MARKET_REPLY, load_market_demo
    from essaim.sourcing.models import NeedAnswer

    load_demo_people()
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
        load_market_demo()
    with django_capture_on_commit_callbacks(execute=True):
        load_market_demo()
    forecast = PurchaseForecast.objects.get(title=MARKET_FORECAST_TITLE)
    assert [i.organisation.name for i in forecast.interests.all()] == ["Rejoué"]
    question = NeedAnswer.objects.get(kind=NeedAnswer.Kind.QUESTION, message=MARKET_QUESTION)
    assert question.reply == MARKET_REPLY and question.need.title == TOYS_TITLE
    assert NeedAnswer.objects.filter(kind=NeedAnswer.Kind.QUESTION).count() == 1  # idempotent

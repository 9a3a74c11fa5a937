"""The monthly declaration link and the reminder after the 10th: once each, to the right people, naming no
person; following the link declares the month."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from essaim.clauses import services
from essaim.clauses.models import MonthlyStatement

from .factories import declare, make_contract, make_mission, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(world):  # noqa: ANN001, ANN201
    return make_contract(world.buyer_org, world.supplier_org, start=date(2025, 1, 1), end=date(2025, 12, 31))


@pytest.fixture
def remind(django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    def run(today: str) -> dict[str, int]:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("clauses_remind", "--today", today, stdout=out)
        return json.loads(out.getvalue())

    return run


def test_the_link_goes_once_at_the_start_of_the_month_and_the_reminder_after_the_tenth(remind, world) -> None:  # noqa: ANN001
    contract = make_contract(
        world.buyer_org, world.supplier_org, start=date(2025, 3, 1), end=date(2025, 12, 31)
    )
    mission = make_mission(contract, make_participant(first_name="Awa", last_name="Diallo"))
    assert remind("2025-04-01") == {"links": 1, "reminders": 0}
    assert remind("2025-04-02") == {"links": 0, "reminders": 0}
    message = mail.outbox[0]
    assert message.to == ["contact@rejoue.fr"]  # the holder's administrator
    assert "mars 2025" in message.subject and contract.reference in message.subject
    assert "Awa" not in message.body and "Diallo" not in message.body
    assert remind("2025-04-10") == {"links": 0, "reminders": 0}
    assert remind("2025-04-11") == {"links": 0, "reminders": 1}
    assert remind("2025-04-12") == {"links": 0, "reminders": 0}
    assert all("Relance" in m.subject for m in mail.outbox[1:])
    declare(mission, date(2025, 4, 1), 10)
    assert remind("2025-05-11") == {
        "links": 0,
        "reminders": 0,
    }  # April already declared: no link, no reminder


def test_following_the_emailed_link_declares_the_month(
    client, contract, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    mission = make_mission(contract, make_participant())
    contract.declarant_email = "heures@etti.example"
    contract.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.monthly_links_send(today=date(2025, 6, 3))
    message = mail.outbox[0]
    assert message.to == ["heures@etti.example"]
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    client.post(link, {f"hours_{mission.pk}": "35"})
    statement = MonthlyStatement.objects.get(contract=contract, month=date(2025, 5, 1))
    assert statement.channel == "lien" and statement.declarations.get().hours == 35


def test_a_contract_over_or_not_begun_gets_nothing(world) -> None:  # noqa: ANN001
    make_contract(world.buyer_org, world.supplier_org, start=date(2025, 6, 1), end=date(2025, 8, 31))
    assert services.monthly_links_send(today=date(2025, 6, 1)) == 0  # May: before the start
    assert services.monthly_links_send(today=date(2025, 10, 1)) == 0  # September: after the end
    assert services.monthly_links_send(today=date(2025, 9, 1)) == 1  # August: its last month


def test_months_late_for_long_are_flagged_not_emailed_again_and_again(remind, contract) -> None:  # noqa: ANN001
    # nothing declared since January: on 11 May, February to April are reminded (three months back), once
    assert remind("2025-05-11") == {"links": 1, "reminders": 3}
    assert remind("2025-05-12") == {"links": 0, "reminders": 0}

"""`essaim clauses_summary --year YYYY [--buyer SIRET] --json`: keys, rules and statistical secrecy."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.accounts.models import Organisation
from essaim.clauses.models import Eligibility, Modality

from .factories import declare, make_contract, make_mission, make_participant, siret_of

pytestmark = pytest.mark.django_db

KEYS = [
    "contracts",
    "hours_owed",
    "hours_done",
    "training_hours",
    "completion",
    "participants",
    "by_eligibility",
    "by_modality",
]


def summary(*args: str) -> dict:
    out = io.StringIO()
    call_command("clauses_summary", *args, "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture
def holder(world) -> Organisation:  # noqa: ANN001
    return world.supplier_org


def test_an_empty_year_has_every_key_and_every_slug(world) -> None:  # noqa: ANN001
    result = summary("--year", "2025")
    assert list(result) == KEYS
    assert result["contracts"] == 0 and result["completion"] == 0 and result["participants"] == 0
    assert result["by_eligibility"] == dict.fromkeys(Eligibility.values, "< 5")
    assert result["by_modality"] == dict.fromkeys(Modality.values, 0)


def test_figures_of_a_year(world, holder) -> None:  # noqa: ANN001
    works = make_contract(world.buyer_org, holder, start=date(2024, 6, 1), end=date(2025, 12, 31))  # 833 h
    green = make_contract(
        world.other_buyer_org,
        holder,
        reference="2025-EV-002",
        amount_ht="180000",
        labour_share="0.6",
        insertion_rate="0.1",
        hourly_cost="25",
        start=date(2025, 3, 1),
        end=date(2027, 2, 28),
    )  # 432 h
    make_contract(
        world.buyer_org, holder, reference="2023-OLD", start=date(2023, 1, 1), end=date(2024, 12, 31)
    )
    rsa = [make_participant(eligibility="rsa") for _ in range(6)]
    deld = make_participant(eligibility="deld", sex="M")
    for person in rsa:
        declare(make_mission(works, person), date(2025, 2, 1), 20, training=2)
    declare(make_mission(green, deld, "etti"), date(2025, 4, 1), "10.5")
    declare(works.missions.get(participant=rsa[0]), date(2024, 12, 1), 50)  # another year: not counted
    result = summary("--year", "2025")
    assert result["contracts"] == 2
    assert result["hours_owed"] == 833 + 432
    assert result["hours_done"] == 130.5
    assert result["training_hours"] == 12
    assert result["completion"] == round(130.5 / 1265, 4)
    assert result["participants"] == 7
    # 6 RSA; one DELD and zeros elsewhere: hidden, and the DELD person cannot be worked out from 7 − 6
    assert result["by_eligibility"]["rsa"] == 6
    assert result["by_eligibility"]["deld"] == "< 5"
    assert sum(v == "< 5" for v in result["by_eligibility"].values()) == 6
    assert result["by_modality"]["embauche-directe"] == 120
    assert result["by_modality"]["etti"] == 10.5
    assert result["by_modality"]["formation"] == 0


def test_participants_are_shown_under_five_and_buyer_filter(world, holder) -> None:  # noqa: ANN001
    world.buyer_org.siret = siret_of("219400819")
    world.buyer_org.save()
    works = make_contract(world.buyer_org, holder, start=date(2025, 1, 1), end=date(2025, 12, 31))
    other = make_contract(
        world.other_buyer_org, holder, reference="IVRY-1", start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    declare(make_mission(works, make_participant()), date(2025, 5, 1), 35)
    declare(make_mission(other, make_participant()), date(2025, 5, 1), 70)
    result = summary("--year", "2025", "--buyer", world.buyer_org.siret)
    assert result["contracts"] == 1 and result["participants"] == 1
    assert result["hours_done"] == 35
    assert result["by_eligibility"]["rsa"] == "< 5"
    assert summary("--year", "2025")["participants"] == 2


def test_a_buyer_known_by_its_siren_only_matches_its_sirets(world, holder) -> None:  # noqa: ANN001
    world.buyer_org.siren = "219400819"
    world.buyer_org.save()
    make_contract(world.buyer_org, holder, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert summary("--year", "2025", "--buyer", siret_of("219400819", 42))["contracts"] == 1


def test_an_invalid_siret_is_refused(world) -> None:  # noqa: ANN001
    with pytest.raises(CommandError, match="SIRET"):
        summary("--year", "2025", "--buyer", "12345678901234")

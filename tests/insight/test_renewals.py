"""The renewal radar: end dates, the window, the buyer identifiers, the command's JSON contract."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.directory import services as directory_services
from essaim.directory.models import Structure
from essaim.insight import renewals, store
from essaim.insight.indicators import InsightError
from tests.territory_support import make_small_territory

START = date(2026, 1, 1)
EPT_MEMBERS = ["219400819", "219400413", "219400447", "219100278"]


@pytest.fixture
def con(renewals_store):
    connection = store.connect(renewals_store, read_only=True)
    yield connection
    connection.close()


def keys(rows):
    return [(r.buyer_siret, r.id, r.ends.isoformat()) for r in rows]


def test_a_siret_lists_its_marches_ending_in_the_window_by_end_date(con) -> None:
    rows = renewals.renewals(con, buyer="21940081900018", start=START, months=18)
    assert keys(rows) == [
        ("21940081900018", "R-05", "2026-01-01"),  # ends on the first day: listed
        ("21940081900018", "R-01", "2026-03-15"),
    ]
    first = rows[1]
    assert (first.amount, first.cpv, first.holders, first.ess_holders) == (
        120000.0,
        "90910000",
        ("443061841",),
        ("443061841",),
    )
    assert rows[0].holders == ("555555555",) and rows[0].other_holders == ("FR12345678901",)


def test_the_window_end_is_excluded_and_the_modification_duration_wins(con) -> None:
    ids = {r.id for r in renewals.renewals(con, buyer="219400819", start=START, months=18)}
    assert "R-06" not in ids  # ends on 2027-07-01 = from + 18 months
    assert "R-02" not in ids  # 12 months, extended to 36 by a modification: ends in 2028
    assert "R-03" not in ids  # no valid duration: no end date, never guessed
    assert renewals.renewals(con, buyer="219400819", start=date(2028, 6, 1), months=1)[0].id == "R-02"
    assert renewals.undated_count(con, buyer="219400819") == 1


def test_a_siren_covers_its_establishments_and_concessions_are_not_listed(con) -> None:
    rows = renewals.renewals(con, buyer="219400819", start=START, months=18)
    assert [r.id for r in rows] == ["R-05", "R-01", "R-04"]
    assert rows[2].inclusive_holders == ("789456123",)
    assert all(r.id != "C-1" for r in rows)


def test_an_epci_lists_its_members_once_per_buyer_siret_and_id(con) -> None:
    rows = renewals.renewals(
        con, buyer="epci:200058014", start=START, months=18, buyer_sirets_resolver=lambda _: EPT_MEMBERS
    )
    assert keys(rows) == [
        ("21940081900018", "R-05", "2026-01-01"),
        ("21940081900018", "R-01", "2026-03-15"),
        ("21940041300010", "R-07", "2026-04-01"),
        ("21940041300010", "R-01", "2026-05-01"),
        ("20005801400016", "R-08", "2026-08-01"),
        ("21940081900026", "R-04", "2026-09-01"),
    ]
    assert rows[2].amount is None  # an outlier amount is never shown as one


@pytest.mark.parametrize("months", [0, -1, 121])
def test_a_window_out_of_bounds_is_refused_in_french(con, months) -> None:
    with pytest.raises(InsightError, match="La fenêtre va de 1 à 120 mois"):
        renewals.renewals(con, buyer="219400819", start=START, months=months)


def _proprete_structure(name: str, commune: str, perimeter: str, **data) -> Structure:
    return directory_services.structure_create(
        actor=None,
        data={"name": name, "commune": commune, **data},
        activities=[directory_services.ActivityInput(sector="proprete", perimeters=(perimeter,))],
        organisation=None,
        status=Structure.Status.PUBLISHED,
    )


def _command(renewals_store, **options) -> list[dict]:
    out = StringIO()
    call_command("renewals", db=str(renewals_store), json=True, stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_command_prints_the_json_contract_with_the_local_structures(renewals_store, settings) -> None:
    make_small_territory()
    _proprete_structure("Net'Insertion", "94081", "epci:200058014", inclusion_kinds=["EI"])
    _proprete_structure("Propre Ivry", "94041", "94041", ess_families=["association"])
    _proprete_structure("Propre Ailleurs", "94028", "94028")  # outside the territory
    result = _command(renewals_store, buyer="epci:200058014", **{"from": "2026-01-01"}, months=18)
    assert [(r["buyer_siret"], r["id"], r["ends"]) for r in result][:2] == [
        ("21940081900018", "R-05", "2026-01-01"),
        ("21940081900018", "R-01", "2026-03-15"),
    ]
    cleaning = result[1]
    assert {k: cleaning[k] for k in ("amount", "cpv", "holders", "sector", "local_structures")} == {
        "amount": 120000.0,
        "cpv": "90910000",
        "holders": ["443061841"],
        "sector": "proprete",
        "local_structures": 2,
    }
    furniture = next(r for r in result if r["id"] == "R-04")
    assert furniture["sector"] is None and furniture["local_structures"] == 0
    assert next(r for r in result if r["id"] == "R-07")["amount"] is None


@pytest.mark.django_db
def test_command_refuses_bad_input_in_french(renewals_store) -> None:
    make_small_territory()
    with pytest.raises(CommandError, match="Date invalide"):
        _command(renewals_store, buyer="219400819", **{"from": "01/01/2026"})
    with pytest.raises(CommandError, match="ni un SIRET"):
        _command(renewals_store, buyer="12345", **{"from": "2026-01-01"})
    with pytest.raises(CommandError, match="EPCI inconnu"):
        _command(renewals_store, buyer="epci:200000000", **{"from": "2026-01-01"})

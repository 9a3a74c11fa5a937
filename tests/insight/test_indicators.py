"""Indicators computed by hand from the fixtures (see the comments) for a SIRET, a SIREN and a group."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from essaim.insight import store
from essaim.insight.decp_import import import_files
from essaim.insight.errors import InsightError
from essaim.insight.indicators import group_breakdowns, indicators

FIXTURES = Path(__file__).parent / "fixtures"
FILES = [FIXTURES / name for name in ("wrapped.json", "plain.json", "tabular.csv", "bom.json")]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "insight.duckdb"
    con = store.connect(path)
    import_files(FILES, con=con, today=date(2026, 1, 1))
    # 443061841: an ESS structure of the directory; 789456123: an inclusion structure.
    store.refresh_ess_links(
        con, [("443061841", True, False), ("789 456 123", True, True), ("bad", True, True)]
    )
    con.close()
    return path


@pytest.fixture
def con(db):
    connection = store.connect(db, read_only=True)
    yield connection
    connection.close()


def test_one_siret(con):
    # 2025 marchés of 21940081100011: 2025-001 (100000, clause sociale, holder 443061841),
    # 2025-002 (80000 in its latest publication, marché réservé + critère environnemental, holder 789456123),
    # P-1 (12500.50, clause + critère social, clause environnementale, holder 443061841).
    # 2024-009 is notified in 2024; P-2 has an impossible notification date.
    assert indicators(con, buyer="21940081100011", year=2025) == {
        "buyer": "21940081100011",
        "year": 2025,
        "contracts": 3,
        "amount": 192500.5,
        "outliers": 0,
        "contradictory": 0,
        "social": {"count": 3, "share": 1.0, "amount": 192500.5, "amount_share": 1.0},
        "environmental": {"count": 2, "share": 0.6667, "amount": 92500.5, "amount_share": 0.4805},
        "reserved": {"count": 1, "amount": 80000.0},
        "ess_awarded": {"count": 3, "amount": 192500.5},
        "inclusion_awarded": {"count": 1, "amount": 80000.0},
    }


def test_one_siren_covers_all_its_establishments(con):
    # Adds 2025-003 (…029: 999999999 outlier, contradictory, clause sociale + environnementale, no holder),
    # T-1 (…037: 25000, clauses sociales, holders 443061841 and 789456123) and
    # T-2 (…037: amount MQ, réservé + "pas de considération sociale", clause environnementale).
    result = indicators(con, buyer="219400811", year=2025)
    assert result["contracts"] == 6
    assert result["amount"] == 217500.5
    assert (result["outliers"], result["contradictory"]) == (2, 2)
    assert result["social"] == {"count": 6, "share": 1.0, "amount": 217500.5, "amount_share": 1.0}
    assert result["environmental"] == {"count": 4, "share": 0.6667, "amount": 92500.5, "amount_share": 0.4253}
    assert result["reserved"] == {"count": 2, "amount": 80000.0}
    assert result["ess_awarded"] == {"count": 4, "amount": 217500.5}
    assert result["inclusion_awarded"] == {"count": 2, "amount": 105000.0}


def test_a_group_given_by_a_resolver(con):
    # The EPCI itself (no contract) + 219400811 + 217500016 (BOM-1: 42000, no consideration, holder 443061841).
    result = indicators(
        con, buyer="epci:200058014", year=2025, buyer_sirets_resolver=lambda siren: ["219400811", "217500016"]
    )
    assert result["contracts"] == 7
    assert result["amount"] == 259500.5
    assert result["social"] == {"count": 6, "share": 0.8571, "amount": 217500.5, "amount_share": 0.8382}
    assert result["ess_awarded"] == {"count": 5, "amount": 259500.5}


def test_nothing_notified_gives_zero_shares(con):
    result = indicators(con, buyer="21940081100011", year=2019)
    assert result["contracts"] == 0 and result["amount"] == 0
    assert result["social"] == {"count": 0, "share": 0.0, "amount": 0.0, "amount_share": 0.0}


def test_outliers_are_counted_but_never_summed(con):
    result = indicators(con, buyer="21940081100029", year=2025)
    assert (result["contracts"], result["outliers"], result["amount"]) == (1, 1, 0.0)
    assert result["social"]["amount_share"] == 0.0


def test_concessions_are_not_counted(con):
    # DSP-2025-1 (2,500,000 signed in 2025 by 21940081100011) is a concession, not a marché.
    assert indicators(con, buyer="21940081100011", year=2025)["amount"] == 192500.5


@pytest.mark.parametrize("buyer", ["2194008110", "abc", "epci:12", "epci:200058014"])
def test_bad_buyer_identifiers_are_refused_in_french(con, buyer):
    with pytest.raises(InsightError) as error:
        indicators(con, buyer=buyer, year=2025)
    assert "EPCI" in error.value.message or "SIRET" in error.value.message


def test_group_breakdowns(con):
    result = group_breakdowns(con, buyer="219400811", year=2025)
    by_division = {row[0]: row[1:3] for row in result["cpv_division"]}
    assert by_division["45"] == (2, 37500.5) and by_division[None] == (1, 0.0)  # P-1 + T-1; 2025-003
    assert sum(row[1] for row in result["month"]) == 6


def test_command_outputs_json(db):
    out = StringIO()
    call_command("indicators", buyer="21940081100011", year=2025, json=True, db=str(db), stdout=out)
    assert json.loads(out.getvalue())["contracts"] == 3


@pytest.mark.django_db
def test_command_resolves_an_epci_from_territory_data(db):
    from essaim.territory.models import Commune, Departement, Epci, Region

    region = Region.objects.create(code="11", name="Île-de-France")
    departement = Departement.objects.create(code="94", name="Val-de-Marne", region=region)
    vitry = Commune.objects.create(
        code="94081", name="Vitry", departement=departement, region=region, siren="219400811"
    )
    other = Commune.objects.create(
        code="94080", name="Autre", departement=departement, region=region, siren="217500016"
    )
    epci = Epci.objects.create(siren="200058014", name="Grand-Orly Seine Bièvre", kind="EPT")
    epci.communes.add(vitry, other)
    out = StringIO()
    call_command("indicators", buyer="epci:200058014", year=2025, json=True, db=str(db), stdout=out)
    result = json.loads(out.getvalue())
    assert (result["buyer"], result["contracts"], result["amount"]) == ("epci:200058014", 7, 259500.5)


@pytest.mark.django_db
def test_command_unknown_epci_is_a_clear_error(db):
    with pytest.raises(CommandError, match="EPCI inconnu"):
        call_command(
            "indicators", buyer="epci:200000000", year=2025, json=True, db=str(db), stdout=StringIO()
        )


@pytest.mark.django_db
def test_import_command_prints_the_report(tmp_path):
    out = StringIO()
    call_command(
        "decp_import",
        str(FIXTURES / "bom.json"),
        db=str(tmp_path / "x.duckdb"),
        stdout=out,
        stderr=StringIO(),
    )
    report = json.loads(out.getvalue())
    assert report["new"] == 1 and report["read"] == 1

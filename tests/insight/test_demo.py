"""The demo DECP sample: real JSON shape, valid SIRETs, dirt, idempotent import, a report with figures."""

from __future__ import annotations

import json

import pytest
from stdnum.fr import siret

from essaim.directory import services as directory_services
from essaim.directory.demo import EXAMPLE_SIRENS, load_demo_structures
from essaim.directory.models import Structure
from essaim.insight import store
from essaim.insight.demo import demo_years, load_demo
from essaim.insight.report import build_report
from essaim.insight.selectors import epci_member_sirens
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db


def test_demo_sample_is_imported_once_and_gives_a_real_looking_report(tmp_path) -> None:
    make_small_territory()
    load_demo_structures()
    real = directory_services.structure_create(  # a real structure of the directory never wins demo contracts
        actor=None,
        data={"name": "Atelier ESS", "siren": "443061841", "ess_families": ["association"]},
        activities=None,
        organisation=None,
        status=Structure.Status.PUBLISHED,
    )
    db, out = tmp_path / "demo.duckdb", tmp_path / "decp-demo.json"
    summary = load_demo(db, out=out)
    assert "1 rejeté," in summary and f"{len(EXAMPLE_SIRENS) + 1} SIREN de l'ESS reliés" in summary
    data = json.loads(out.read_text(encoding="utf-8"))
    marches = data["marches"]["marche"]
    assert data["marches"]["contrat-concession"]
    buyers = {m["acheteur"]["id"] for m in marches}
    assert {b[:9] for b in buyers} == {"200058014", "219400819", "219400413", "219400447", "219100278"}
    assert all(siret.is_valid(b) for b in buyers)
    holders = {
        m["titulaires"][0]["titulaire"]["id"][:9]
        for m in marches
        if m.get("titulaires") and m["titulaires"][0].get("titulaire")
    }
    assert real.siren not in holders
    assert holders & set(EXAMPLE_SIRENS.values())  # the fictitious example structures win some
    assert {m["dateNotification"][:4] for m in marches} >= {str(year) for year in demo_years()}
    first = marches[0]
    assert "considerationSociale" in first["considerationsSociales"]
    assert "titulaire" in first["titulaires"][0]

    again = load_demo(db, out=out)
    assert " 0 nouveaux" in again

    con = store.connect(db, read_only=True)
    try:
        report = build_report(
            con, buyer="epci:200058014", year=demo_years()[1], buyer_sirets_resolver=epci_member_sirens
        )
        runs = con.execute("SELECT new, updated, duplicates FROM import_runs ORDER BY finished_at").fetchall()
    finally:
        con.close()
    ind = report.indicators
    assert ind["contracts"] > 100 and ind["amount"] > 1_000_000
    assert ind["outliers"] >= 1 and ind["contradictory"] >= 1
    assert 0 < ind["social"]["share"] < 0.5 and 0 < ind["environmental"]["share"] < 1
    assert ind["ess_awarded"]["count"] > 0  # the SPASER report shows contracts won by the ESS
    assert report.previous is not None and report.opportunities
    assert runs[0][2] >= 1 and runs[1][:2] == (0, 0)

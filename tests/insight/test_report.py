"""The SPASER report against figures computed by hand from tests/insight/fixtures/report.json."""

from __future__ import annotations

import pytest

from essaim.insight.report import ReportSources, build_report

GOSB = ["219400819", "219400413", "219400447", "219100278"]


@pytest.fixture
def vitry(report_con):
    return build_report(report_con, buyer="219400819", year=2025)


def test_headline_figures_leave_the_outlier_out(vitry) -> None:
    ind = vitry.indicators
    # R1 200 000 + R2 50 000 + R3 30 000 + R4 40 000 + R6 6 000 000; R5 (999 999 999) counted, not summed.
    assert (ind["contracts"], ind["amount"], ind["outliers"]) == (6, 6_320_000.0, 1)
    assert ind["social"] == {"count": 1, "share": 0.1667, "amount": 200_000.0, "amount_share": 0.0316}
    # R1, R3, R5; R5's amount is null.
    assert ind["environmental"] == {"count": 3, "share": 0.5, "amount": 230_000.0, "amount_share": 0.0364}
    assert ind["ess_awarded"] == {"count": 2, "amount": 230_000.0}  # R1 (443061841), R3 (789456123)
    assert ind["inclusion_awarded"] == {"count": 1, "amount": 30_000.0}


def test_targets_and_year_over_year(vitry) -> None:
    social, environmental = vitry.targets
    assert (social.share, social.target, social.reached, social.gap_points) == (0.1667, 0.3, False, 13.3)
    assert (environmental.share, environmental.gap_points) == (0.5, 50.0)
    by_label = {c.label: c for c in vitry.comparisons}
    assert (by_label["Marchés notifiés"].current, by_label["Marchés notifiés"].previous) == (6, 2)
    assert by_label["Montant (€ HT)"].delta == 6_170_000.0  # 2024: P1 100 000 + P2 50 000
    # 2024: 1 of 2 with a social clause.
    assert by_label["Part des marchés avec considération sociale"].delta == pytest.approx(0.1667 - 0.5)


def test_breakdowns_by_division_type_procedure_and_month(vitry) -> None:
    divisions = {g.key: (g.contracts, g.amount, g.social, g.no_social_amount) for g in vitry.by_division}
    assert divisions == {
        "48": (1, 6_000_000.0, 0, 6_000_000.0),
        "45": (1, 200_000.0, 1, 0.0),
        "90": (2, 80_000.0, 0, 80_000.0),
        "77": (1, 40_000.0, 0, 40_000.0),
        "15": (1, 0.0, 0, 0.0),
    }
    assert [g.key for g in vitry.by_division] == ["48", "45", "90", "77", "15"]  # by amount
    types = {g.key: (g.contracts, g.amount) for g in vitry.by_type}
    assert types == {"travaux": (1, 200_000.0), "fournitures": (2, 6_000_000.0), "services": (3, 120_000.0)}
    assert [(g.label, g.contracts) for g in vitry.by_procedure] == [
        ("Appel d'offres ouvert", 3),
        ("Procédure adaptée", 3),
    ]
    months = {int(g.key): g.contracts for g in vitry.by_month if g.contracts}
    assert months == {3: 2, 5: 1, 6: 1, 9: 1, 10: 1}
    assert len(vitry.by_month) == 12


def test_opportunities_are_the_largest_spends_without_social_consideration(vitry) -> None:
    # 15 is left out: its only contract has an outlier amount, so nothing is known to be spent.
    assert [(o.division, o.contracts, o.amount) for o in vitry.opportunities] == [
        ("48", 1, 6_000_000.0),
        ("90", 2, 80_000.0),
        ("77", 1, 40_000.0),
    ]
    sectors = {o.division: [slug for slug, _ in o.sectors] for o in vitry.opportunities}
    assert sectors == {"48": ["numerique"], "90": ["proprete"], "77": ["espaces-verts"]}
    assert vitry.opportunities[1].share_of_division == 1.0
    assert vitry.opportunities[1].examples == ["Nettoyage des écoles", "Nettoyage des vitres"]


def test_opportunities_count_the_reservations_structures_would_allow(report_con) -> None:
    structures = {
        "proprete": [
            {"name": "Net'Insertion", "reservations": ["l2113-13", "l2113-15"]},
            {"name": "ESAT du Val", "reservations": ["l2113-12", "l2113-15"]},
        ]
    }
    report = build_report(
        report_con,
        buyer="219400819",
        year=2025,
        sources=ReportSources(
            structures_for_sectors=lambda slugs: [s for slug in slugs for s in structures.get(slug, [])]
        ),
    )
    cleaning = next(o for o in report.opportunities if o.division == "90")
    assert [s["name"] for s in cleaning.structures] == ["Net'Insertion", "ESAT du Val"]
    assert cleaning.reservations == {"l2113-12": 1, "l2113-13": 1, "l2113-15": 2}
    software = next(o for o in report.opportunities if o.division == "48")
    assert software.structures == [] and software.reservations == {
        "l2113-12": 0,
        "l2113-13": 0,
        "l2113-15": 0,
    }


def test_holders_loi_climat_concessions_and_quality(vitry) -> None:
    assert vitry.holders == {
        "holders": 4,
        "ess": 2,
        "inclusion": 1,
        "directory": 2,
        "ess_share": 0.5,
        "inclusion_share": 0.25,
    }
    assert [(h["siren"], h["contracts"], h["amount"]) for h in vitry.ess_holders] == [
        ("443061841", 1, 200_000.0),
        ("789456123", 1, 30_000.0),
    ]
    climat = vitry.loi_climat
    # R2, R4, R6 have no environmental consideration; R6 (6 M€ of supplies) is above the EU threshold.
    assert (climat["without_environmental"], climat["without_environmental_amount"]) == (3, 6_090_000.0)
    assert (climat["above_eu"], climat["above_eu_social"], climat["above_eu_without_social"]) == (1, 0, 1)
    assert vitry.concessions == {"count": 1, "amount": 1_000_000.0, "social": 0, "environmental": 0}
    assert vitry.quality["rejected_mentioning"] == 1 and vitry.quality["rejected_total"] == 1
    assert vitry.quality["no_end_date"] == 6  # the fixture publishes no duration
    assert ("amount_outlier", "Montant aberrant (exclu des sommes)", 1) in vitry.quality["flags"]


def test_group_of_the_ept_and_its_communes(report_con) -> None:
    report = build_report(
        report_con, buyer="epci:200058014", year=2025, buyer_sirets_resolver=lambda siren: GOSB
    )
    ind = report.indicators
    # Vitry's six plus Ivry's I1 (20 000, marché réservé); Créteil is not a member.
    assert (ind["contracts"], ind["amount"]) == (7, 6_340_000.0)
    assert ind["social"]["count"] == 2 and ind["reserved"] == {"count": 1, "amount": 20_000.0}
    assert next(o for o in report.opportunities if o.division == "90").amount == 80_000.0


def test_an_empty_year_gives_an_empty_report(report_con) -> None:
    report = build_report(report_con, buyer="219400819", year=2023)
    assert report.is_empty and report.opportunities == [] and report.previous is None
    assert [g.contracts for g in report.by_month] == [0] * 12

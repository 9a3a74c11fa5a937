"""A small store for the report tests: tests/insight/fixtures/report.json, figures computed by hand.

Vitry-sur-Seine (SIREN 219400819, SIRET 21940081900018) notified six marchés in 2025 and two in 2024;
Ivry-sur-Seine one in 2025; Créteil (outside the EPT) one. Holders 443061841 (ESS) and 789456123
(ESS, inclusion) are linked; 555555555 and 666666666 are not.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from essaim.insight import store
from essaim.insight.decp_import import import_files

REPORT_FIXTURE = Path(__file__).parent / "fixtures" / "report.json"
ESS_LINKS = [("443061841", True, False), ("789456123", True, True)]


def make_report_store(path: Path) -> Path:
    con = store.connect(path)
    try:
        import_files([REPORT_FIXTURE], con=con, today=date(2026, 1, 1))
        store.refresh_ess_links(con, ESS_LINKS)
    finally:
        con.close()
    return path


@pytest.fixture
def report_store(tmp_path: Path) -> Path:
    return make_report_store(tmp_path / "report.duckdb")


@pytest.fixture
def report_con(report_store: Path):
    con = store.connect(report_store, read_only=True)
    yield con
    con.close()


RENEWALS_FIXTURE = Path(__file__).parent / "fixtures" / "renewals.json"


def make_renewals_store(path: Path) -> Path:
    """Marchés with durations (tests/insight/fixtures/renewals.json): Vitry (two establishments), Ivry,
    the EPT and Créteil (outside it); one duration extended by a modification, one unknown, an outlier
    amount, a concession. Holder 443061841 is ESS, 789456123 ESS and inclusive."""
    con = store.connect(path)
    try:
        import_files([RENEWALS_FIXTURE], con=con, today=date(2026, 1, 1))
        store.refresh_ess_links(con, ESS_LINKS)
    finally:
        con.close()
    return path


@pytest.fixture
def renewals_store(tmp_path: Path) -> Path:
    return make_renewals_store(tmp_path / "renewals.duckdb")

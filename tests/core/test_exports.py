"""Every CSV and XLSX download goes through `essaim.core.exports`: a text cell that a spreadsheet would run
as a formula (starting with =, +, -, @, a tab or a carriage return) comes out inert, in every export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from essaim.accounts.models import Organisation
from essaim.clauses import exports as clause_exports
from essaim.clauses.exports import Table
from essaim.cooperation.exports import flows_csv
from essaim.cooperation.models import MaterialFlow
from essaim.core.exports import FORMULA_STARTS, Sheet, csv_bytes, xlsx_bytes
from essaim.directory import exports as directory_exports
from essaim.insight import exports as insight_exports
from essaim.insight import store
from essaim.insight.report import build_report
from essaim.sourcing import exports as sourcing_exports
from essaim.sourcing.models import Need
from tests.directory.factories import make_structure
from tests.insight.conftest import make_report_store

DANGERS = [start + 'HYPERLINK("https://evil.example","Cliquez")' for start in FORMULA_STARTS]


def _directory(kind: str, danger: str) -> bytes:
    structure = make_structure(name="Structure", website="https://exemple.fr")
    structure.name = danger  # as an import or an edit could have stored it

    def url_for(_structure: object) -> str:
        return danger

    return (directory_exports.to_csv if kind == "csv" else directory_exports.to_xlsx)([structure], url_for)


def _sourcing(kind: str, danger: str) -> bytes:
    rows = [{"name": danger, "rank": 1, "score": 0.5, "answer": "interesse", "detail": danger}]
    need = Need(pk=1, title="Besoin")
    response = (sourcing_exports.dashboard_csv if kind == "csv" else sourcing_exports.dashboard_xlsx)(
        need, rows
    )
    return bytes(response.content)


def _cooperation(kind: str, danger: str) -> bytes:
    flow = MaterialFlow(
        year=2026,
        quarter=1,
        organisation=Organisation(name=danger),
        material=danger,
        collected_t=Decimal("1.5"),
        reused_t=Decimal(1),
        recycled_t=Decimal(0),
    )
    return flows_csv([flow])


def _insight(kind: str, danger: str, tmp_path) -> bytes:
    con = store.connect(make_report_store(tmp_path / "r.duckdb"), read_only=True)
    try:
        report = build_report(con, buyer="219400819", year=2025, label=danger)
    finally:
        con.close()
    report.ess_holders.append(
        {"siren": danger, "name": danger, "inclusion": False, "contracts": 1, "amount": 12.5}
    )
    return (insight_exports.report_csv if kind == "csv" else insight_exports.report_xlsx)(report)


def _clauses(kind: str, danger: str) -> bytes:
    table = Table(danger, ["Marché", "Heures"], [[danger, 12.5]])
    return (clause_exports.csv_bytes if kind == "csv" else clause_exports.xlsx_bytes)([table])


def _renewals(kind: str, danger: str) -> bytes:
    contract = SimpleNamespace(
        ends=date(2027, 1, 1), buyer_siret=danger, id=danger, object=danger, cpv="39000000",
        purchase_type=danger, procedure=danger, notified_on=date(2023, 1, 1), duration_months=48,
        amount=12000.0,
    )  # fmt: skip
    line = SimpleNamespace(
        contract=contract, buyer_name=danger, holder_names=[(danger, danger)], ess_holder=False,
        inclusive_holder=False, sector_label=danger, local_structures=2, advice=None,
    )  # fmt: skip
    response = insight_exports.renewals_download(
        [line], buyer="219400819", start=date(2026, 1, 1), extension=kind
    )
    return bytes(response.content)


EXPORTERS: dict[str, Callable[..., bytes]] = {
    "directory-csv": lambda d, _: _directory("csv", d),
    "directory-xlsx": lambda d, _: _directory("xlsx", d),
    "sourcing-csv": lambda d, _: _sourcing("csv", d),
    "sourcing-xlsx": lambda d, _: _sourcing("xlsx", d),
    "cooperation-csv": lambda d, _: _cooperation("csv", d),
    "insight-csv": lambda d, tmp: _insight("csv", d, tmp),
    "insight-xlsx": lambda d, tmp: _insight("xlsx", d, tmp),
    "renewals-csv": lambda d, _: _renewals("csv", d),
    "renewals-xlsx": lambda d, _: _renewals("xlsx", d),
    "clauses-csv": lambda d, _: _clauses("csv", d),
    "clauses-xlsx": lambda d, _: _clauses("xlsx", d),
}


def _cells(content: bytes, kind: str) -> list[object]:
    if kind == "csv":
        text = content.decode("utf-8-sig")
        return [value for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for value in row]
    workbook = load_workbook(io.BytesIO(content))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    return [c.value for c in cells]


@pytest.mark.django_db
@pytest.mark.parametrize("danger", DANGERS, ids=[repr(d[0]) for d in DANGERS])
@pytest.mark.parametrize("exporter", EXPORTERS)
def test_a_formula_in_any_text_comes_out_inert_in_every_export(exporter, danger, tmp_path):
    kind = exporter.rsplit("-", 1)[1]
    cells = _cells(EXPORTERS[exporter](danger, tmp_path), kind)
    texts = [c for c in cells if isinstance(c, str)]
    expected = "'" + (danger if kind == "csv" else danger.replace("\r", "\n"))  # XML reads CR as LF
    assert expected in texts
    numbers = re.compile(r"-?\d+(,\d+)?")  # a negative figure is a number, not a formula
    assert not [t for t in texts if t.startswith(FORMULA_STARTS) and not numbers.fullmatch(t)]


def test_csv_is_french_friendly():
    content = csv_bytes(
        ["Nom", "Montant"], [["Rejoué", Decimal("12.50")], ["Ici", 0.25], ["Là", date(2026, 3, 1)]]
    )
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines() == [
        "Nom;Montant",
        "Rejoué;12,50",
        "Ici;0,25",
        "Là;01/03/2026",
    ]


def test_xlsx_keeps_numbers_as_numbers_and_names_sheets_validly():
    content = xlsx_bytes(
        [Sheet("Rapport: 2026/T1?", [["Nom", "Montant"], ["A", 12.5]]), Sheet("Rapport 2026T1", [])]
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == "Rapport 2026T1"
    assert len(set(workbook.sheetnames)) == 2
    sheet = workbook.worksheets[0]
    assert sheet["B2"].value == 12.5 and sheet["A1"].font.bold

"""The purchase-plan import against crafted files: a small XLSX that expands to a huge sheet, rows the database
would refuse. The check (dry run) says exactly what the commit will do, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import timezone

from essaim.sourcing import forecasts
from essaim.sourcing.errors import ForecastError
from essaim.sourcing.models import PurchaseForecast

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year + 1
HEADER = ("Objet", "Année", "Trimestre", "Secteur", "Lieu", "Tranche", "Procédure", "Référence")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    'name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(column: int, row: int, value: str) -> str:
    return f'<c r="{chr(65 + column)}{row}" t="inlineStr"><is><t>{value}</t></is></c>'


def _xlsx(rows: list[list[str]], *, filler_rows: int = 0) -> bytes:
    """A minimal XLSX written by hand; `filler_rows` one-cell rows follow (the crafted, highly compressible
    part of a decompression bomb)."""
    body = [
        f'<row r="{r}">' + "".join(_cell(c, r, v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, start=1)
    ]
    filler = "<row><c><v>1</v></c></row>" * filler_rows  # no row numbers: openpyxl counts them
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>' + "".join(body) + "".join(filler) + "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _import(world, content: bytes, filename: str = "plan.xlsx", commit: bool = False):  # noqa: ANN001, ANN202
    return forecasts.forecast_import(
        actor=None, buyer=world.buyer_org, filename=filename, stream=io.BytesIO(content), commit=commit
    )


def _row(title: str, reference: str = "R-1") -> list[str]:
    return [title, str(YEAR), "T2", "jouets", "", "lt-40k", "mapa", reference]


def test_a_small_xlsx_that_expands_to_a_huge_sheet_is_refused_before_it_is_read(world) -> None:
    content = _xlsx([list(HEADER), _row("Jouets")], filler_rows=1_500_000)
    assert len(content) < 2 * 1024 * 1024  # well under the 10 MB upload limit
    with pytest.raises(ForecastError, match="décompressé"):
        _import(world, content)
    assert not PurchaseForecast.objects.exists()


def test_the_row_cap_stops_the_reading_of_a_sheet_with_too_many_rows(world) -> None:
    rows = [list(HEADER)] + [_row(f"Achat {n}", f"R-{n}") for n in range(forecasts.MAX_ROWS + 1)]
    with pytest.raises(ForecastError, match=f"Au plus {forecasts.MAX_ROWS} lignes"):
        _import(world, _xlsx(rows))


def test_a_sheet_of_empty_rows_is_refused_while_it_is_read(world) -> None:
    """Empty rows cost as much to read as full ones: they count towards a cap too."""
    rows = [list(HEADER), _row("Jouets")] + [[""] for _ in range(forecasts.MAX_READ_ROWS + 10)]
    with pytest.raises(ForecastError, match="lignes"):
        _import(world, _xlsx(rows))


@pytest.mark.parametrize("commit", [False, True])
def test_the_check_refuses_what_the_database_would_refuse_and_the_commit_agrees(world, commit: bool) -> None:  # noqa: ANN001
    too_long = "Achat " + "x" * 300
    csv = (
        ";".join(HEADER)
        + "\n"
        + "\n".join(
            ";".join(row)
            for row in (
                _row("Jouets des crèches", "OK-1"),
                _row(too_long, "LONG-1"),
                _row("Nettoyage\x00des vitres", "NUL-1"),
                ["Année énorme", "99999999999", "T1", "jouets", "", "lt-40k", "mapa", "Y-1"],
            )
        )
    ).encode()
    report = _import(world, csv, filename="plan.csv", commit=commit)
    assert report.created == 1
    reasons = {rejection["line"]: " ".join(rejection["reasons"]) for rejection in report.rejected}
    assert set(reasons) == {3, 4, 5}
    assert "200 caractères" in reasons[3]
    assert "caractère nul" in reasons[4]
    assert PurchaseForecast.objects.count() == (1 if commit else 0)

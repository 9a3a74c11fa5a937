"""The one writer of CSV and XLSX downloads: safe against spreadsheet formulas, French-friendly.

Every cell goes through `cell()`:
- text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so that a
  spreadsheet shows it as text instead of running it as a formula (CSV/formula injection: a structure or
  a buyer named `=HYPERLINK(...)` stays inert); control characters a spreadsheet cannot hold are dropped;
- numbers stay numbers (in CSV with a decimal comma), dates and times are local and French in CSV.

CSV: UTF-8 with a byte-order mark, `;` between cells, CRLF line ends (what French Excel and LibreOffice
open without an import dialog). XLSX: one sheet per `Sheet`, header rows in bold.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(text: str) -> str:
    """Text that no spreadsheet runs as a formula (and can hold: control characters are dropped)."""
    text = _CONTROL.sub("", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str | int | float | Decimal | datetime | date:
    """A value as a cell: None is empty, booleans are "oui"/"non", aware datetimes are local and naive."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return safe_text(str(value))


def _csv_text(value: Any) -> str:
    value = cell(value)
    if isinstance(value, float):
        value = round(value, 4)
        text = str(int(value)) if value == int(value) else repr(value)
        return text.replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV download: the header row, then the rows, every cell through `cell()`."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_text(v) for v in header])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: its title (made valid and unique), its rows, how many first rows are in bold."""

    title: str
    rows: Iterable[Sequence[Any]]
    bold_rows: int = 1
    widths: dict[str, float] = field(default_factory=dict)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX download with one worksheet per `Sheet`, written in streaming mode."""
    # imported here: openpyxl takes about 0.5 s to load, and only XLSX downloads need it
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title, used))
        for column, width in sheet.widths.items():
            worksheet.column_dimensions[column].width = width
        for number, row in enumerate(sheet.rows):
            values = [cell(v) for v in row]
            if number < sheet.bold_rows:
                cells = []
                for value in values:
                    styled = WriteOnlyCell(worksheet, value=value)
                    styled.font = bold
                    cells.append(styled)
                worksheet.append(cells)
            else:
                worksheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", "", title)[:31] or "Feuille"
    while name in used:
        name = name[:29] + f"{len(used):02d}"
    used.add(name)
    return name

"""The one reader of uploaded tables (CSV or XLSX), read as a stream with caps checked while reading.

`read_table(filename, raw, limits)` yields `(line number, cells)` for every non-empty row, the header first:
- **CSV**: UTF-8 (with or without a byte-order mark), else Windows-1252 (what French accounting software
  writes); `;` or `,` between cells, whichever the first line holds more of;
- **XLSX**: the first sheet through openpyxl's read-only mode, after checking what the archive expands to
  (a 1 MB file can expand to millions of rows); the declared size may lie, so the row and column caps
  stop the reading itself.

Caps (`Limits`): filled rows after the header, rows read in all (empty ones cost as much to read), columns
kept per row. Every problem raises the caller's `DomainError` subclass (`error=`) with a French message on
the `file` field. Used by the purchase-plan import (sourcing) and the spend files (insight).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from .errors import DomainError

XLSX_MAGIC = b"PK\x03\x04"


class SpreadsheetError(DomainError):
    default_message = "Ce fichier ne peut pas être lu."


@dataclass(frozen=True)
class Limits:
    max_rows: int  # filled rows after the header
    max_read_rows: int  # rows read in all, empty ones included
    max_columns: int = 50
    max_xlsx_expanded_mb: int = 30
    what: str = "tableau"  # named in the messages: « un tableau de 2000 lignes … »


def decode_text(raw: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(raw: bytes, limits: Limits, error: type[DomainError]) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise error("Classeur XLSX illisible.", field="file") from exc
    if expanded > limits.max_xlsx_expanded_mb * 1024 * 1024:
        raise error(
            f"Ce classeur décompressé dépasse {limits.max_xlsx_expanded_mb} Mo : un {limits.what} de "
            f"{limits.max_rows} lignes n'en demande pas tant. Enregistrez seulement le tableau (CSV ou XLSX).",
            field="file",
        )
    from openpyxl import load_workbook  # imported here: openpyxl takes about 0.5 s to load

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns):
            yield [_cell(v) for v in row]
        workbook.close()
    except DomainError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds of errors on a broken file
        raise error("Classeur XLSX illisible.", field="file") from exc


def _csv_rows(raw: bytes, limits: Limits) -> Iterator[list[str]]:
    text = decode_text(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield [cell.strip() for cell in row[: limits.max_columns]]


def read_table(
    filename: str, raw: bytes, limits: Limits, *, error: type[DomainError] = SpreadsheetError
) -> Iterator[tuple[int, list[str]]]:
    """(line number from 1, cells) of each non-empty row of a CSV or XLSX file, the header first."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not raw.startswith(XLSX_MAGIC):
            raise error("Ce fichier n'est pas un classeur XLSX.", field="file")
        rows = _xlsx_rows(raw, limits, error)
    elif name.endswith(".csv"):
        rows = _csv_rows(raw, limits)
    else:
        raise error("Importez un fichier CSV ou XLSX.", field="file")
    filled = 0
    for line, row in enumerate(rows, start=1):
        if line > limits.max_read_rows:
            raise error(
                f"Au plus {limits.max_read_rows} lignes lues par import (lignes vides comprises) : "
                "supprimez les lignes vides en fin de tableau.",
                field="file",
            )
        if not any(row):
            continue
        filled += 1
        if filled - 1 > limits.max_rows:
            raise error(f"Au plus {limits.max_rows} lignes par import.", field="file")
        yield line, row

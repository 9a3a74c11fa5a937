"""CSV and XLSX exports of search results (for logged-in buyers)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

from .models import Structure

EXPORT_LIMIT = 5000
HEADERS = [
    "Nom", "SIRET", "Commune", "Familles de l'ESS", "Structure inclusive", "Marchés réservés",
    "Secteurs", "Site web", "Adresse électronique", "Téléphone", "Fiche",
]  # fmt: skip


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(structures: Iterable[Structure], url_for: callable) -> Iterable[list[str]]:  # type: ignore[valid-type]
    for s in structures:
        yield [
            _cell(v)
            for v in (
                s.name,
                s.siret,
                s.commune.name if s.commune else "",
                ", ".join(s.ess_family_labels),
                ", ".join(s.inclusion_kinds),
                ", ".join(s.reservations),
                ", ".join(t.name for t in s.top_sectors),
                s.website,
                s.email,
                s.phone,
                url_for(s),
            )
        ]


def to_csv(structures: Iterable[Structure], url_for: callable) -> bytes:  # type: ignore[valid-type]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows(structures, url_for))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(structures: Iterable[Structure], url_for: callable) -> bytes:  # type: ignore[valid-type]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Structures")
    sheet.append(HEADERS)
    for row in rows(structures, url_for):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""CSV export of a group's material flows (semicolon-separated, as French spreadsheets expect)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .models import MaterialFlow

HEADER = ["annee", "trimestre", "organisation", "matiere", "collecte_t", "reemploi_t", "recycle_t"]


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def flows_csv(flows: Iterable[MaterialFlow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    for flow in flows:
        writer.writerow(
            [
                flow.year,
                flow.quarter,
                _cell(flow.organisation.name),
                flow.material,
                flow.collected_t,
                flow.reused_t,
                flow.recycled_t,
            ]
        )
    return buffer.getvalue()

"""The answer dashboard as CSV or XLSX. Cells that look like formulas are neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from essaim.core.downloads import attachment

from .models import Need

HEADERS = [
    "Structure",
    "Rang",
    "Score",
    "Prévenue le",
    "Lien ouvert le",
    "Besoin consulté le",
    "Réponse",
    "Détail",
    "Répondu le",
]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    keys = ["name", "rank", "score", "sent_at", "opened_at", "viewed_at", "answer", "detail", "answered_at"]
    return [[_cell(row.get(k)) for k in keys] for row in rows]


def _filename(need: Need, extension: str) -> str:
    return f"reponses-{slugify(need.title)[:40]}-{need.pk}.{extension}"


def dashboard_csv(need: Need, rows: list[dict[str, Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(_table(rows))
    return attachment("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", _filename(need, "csv"))


def dashboard_xlsx(need: Need, rows: list[dict[str, Any]]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réponses"
    sheet.append(HEADERS)
    for row in _table(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return attachment(
        buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(need, "xlsx"),
    )

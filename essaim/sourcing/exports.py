"""The answer dashboard as CSV or XLSX, through the shared safe writer of `essaim.core.exports`."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from essaim.core.downloads import attachment
from essaim.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, Sheet, csv_bytes, xlsx_bytes

from .matching import fit_level
from .models import Need

HEADERS = [
    "Structure",
    "Rang",
    "Adéquation",
    "Prévenue le",
    "Lien ouvert le",
    "Besoin consulté le",
    "Réponse",
    "Détail",
    "Répondu le",
]


def _fit(score: float | None) -> str:
    """A score as people read it everywhere: words, never a number with decimals."""
    return f"correspond {fit_level(score).label}" if score is not None else ""


def _table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    keys = ["name", "rank", "score", "sent_at", "opened_at", "viewed_at", "answer", "detail", "answered_at"]
    return [[_fit(row.get(k)) if k == "score" else row.get(k) for k in keys] for row in rows]


def _filename(need: Need, extension: str) -> str:
    return f"reponses-{slugify(need.title)[:40]}-{need.pk}.{extension}"


def dashboard_csv(need: Need, rows: list[dict[str, Any]]) -> HttpResponse:
    return attachment(csv_bytes(HEADERS, _table(rows)), CSV_CONTENT_TYPE, _filename(need, "csv"))


def dashboard_xlsx(need: Need, rows: list[dict[str, Any]]) -> HttpResponse:
    content = xlsx_bytes([Sheet("Réponses", [HEADERS, *_table(rows)])])
    return attachment(content, XLSX_CONTENT_TYPE, _filename(need, "xlsx"))

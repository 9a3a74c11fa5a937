"""CSV and XLSX exports of search results (for buyers), through the shared safe writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from essaim.core.exports import Sheet, csv_bytes, xlsx_bytes

from .models import Structure

EXPORT_LIMIT = 5000
HEADERS = [
    "Nom", "SIRET", "Commune", "Familles de l'ESS", "Structure inclusive", "Marchés réservés",
    "Secteurs", "Site web", "Adresse électronique", "Téléphone", "Fiche",
]  # fmt: skip


def rows(structures: Iterable[Structure], url_for: Callable[[Structure], str]) -> Iterable[list[str]]:
    for s in structures:
        yield [
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
        ]


def to_csv(structures: Iterable[Structure], url_for: Callable[[Structure], str]) -> bytes:
    return csv_bytes(HEADERS, rows(structures, url_for))


def to_xlsx(structures: Iterable[Structure], url_for: Callable[[Structure], str]) -> bytes:
    return xlsx_bytes([Sheet("Structures", [HEADERS, *rows(structures, url_for)])])

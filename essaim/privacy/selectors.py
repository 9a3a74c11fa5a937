"""Reads of the privacy app: everything the platform holds about a person, from every app's declaration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from essaim.core import personal_data

EXPORT_FORMAT = "essaim.donnees-personnelles"
EXPORT_VERSION = 1


def personal_data_export(person: Any) -> dict[str, Any]:
    """The download of `person`'s data: one section per declaration, each with its French label."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "plateforme": settings.ESSAIM_BRAND["name"],
        "genere_le": timezone.now(),
        "sections": {
            section.key: {"libelle": section.label, "elements": section.rows(person)}
            for section in personal_data.export_sections()
        },
    }


def personal_data_summary(person: Any) -> list[tuple[str, int]]:
    """(label, number of items) of every section that holds something, for the "Mes données" page."""
    summary = []
    for section in personal_data.export_sections():
        count = len(section.rows(person))
        if count:
            summary.append((section.label, count))
    return summary

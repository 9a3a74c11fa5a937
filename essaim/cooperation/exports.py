"""CSV export of a group's material flows (the shared safe CSV writer of `essaim.core.exports`)."""

from __future__ import annotations

from collections.abc import Iterable

from essaim.core.exports import csv_bytes

from .models import MaterialFlow

HEADER = ["annee", "trimestre", "organisation", "matiere", "collecte_t", "reemploi_t", "recycle_t"]


def flows_csv(flows: Iterable[MaterialFlow]) -> bytes:
    return csv_bytes(
        HEADER,
        (
            [
                flow.year,
                flow.quarter,
                flow.organisation.name,
                flow.material,
                flow.collected_t,
                flow.reused_t,
                flow.recycled_t,
            ]
            for flow in flows
        ),
    )

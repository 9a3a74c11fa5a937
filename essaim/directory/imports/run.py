"""Imports of structures: our CSV, SIRENE stock files, data·inclusion, GoGoCarto. Idempotent upserts.

Every format is read as a stream of `Candidate`s (or rejections with a reason in French), then written
through the services: a structure is found by (source, source_id), else by SIRET, and updated with the
import's field groups (groups the structure edited itself are left alone). A dry run does all the work in
a transaction that is rolled back, so its counts are exact.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction

from essaim.core.errors import DomainError
from essaim.directory import services
from essaim.directory.models import Structure
from essaim.territory.models import Perimeter, PerimeterCommune

from .bulk import BulkWriter
from .candidates import Candidate, ImportReport, Rejection, keep_known_perimeters
from .formats import read_csv, read_data_inclusion, read_gogocarto
from .sirene import read_sirene

FORMATS = ("csv", "sirene", "data-inclusion", "gogocarto")


# --- Writing ------------------------------------------------------------------------------------------


def _perimeter_communes(code: str) -> set[str]:
    if ":" not in code and code != "national":
        return {code}
    if not Perimeter.objects.filter(code=code).exists():
        raise DomainError(f"Périmètre inconnu : {code}.")
    return set(PerimeterCommune.objects.filter(perimeter__code=code).values_list("commune_id", flat=True))


def _upsert(candidate: Candidate, known_perimeters: set[str]) -> str:
    keep_known_perimeters(candidate, known_perimeters)
    structure = Structure.objects.filter(source=candidate.source, source_id=candidate.source_id).first()
    siret = candidate.data.get("siret")
    if structure is None and siret:
        structure = Structure.objects.filter(siret=siret).first()
    if structure is None:
        services.structure_create(
            actor=None,
            data=candidate.data,
            activities=candidate.activities,
            status=Structure.Status.PUBLISHED,
            source=candidate.source,
            source_id=candidate.source_id,
        )
        return "created"
    result = services.structure_update(
        actor=None,
        structure=structure,
        data=candidate.data,
        activities=candidate.activities,
        source=candidate.source,
        source_id=candidate.source_id,
    )
    return "updated" if result.changed else "unchanged"


class _DryRun(Exception):
    pass


def run_import(
    path: Path,
    fmt: str,
    *,
    perimeter: str | None = None,
    commit: bool = False,
    establishments: Path | None = None,
    bulk: bool | None = None,
) -> ImportReport:
    """Import `path`. `bulk` (default: on for SIRENE) writes by batches (`bulk.py`), same results."""
    if fmt not in FORMATS:
        raise DomainError(f"Format inconnu : {fmt}.")
    communes = _perimeter_communes(perimeter) if perimeter else None
    report = ImportReport()
    if fmt == "csv":
        stream = read_csv(path)
    elif fmt == "sirene":
        stream = read_sirene(path, establishments, communes)
    elif fmt == "data-inclusion":
        stream = read_data_inclusion(path)
    else:
        stream = read_gogocarto(path)
    known_perimeters = set(Perimeter.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            writer = None
            if bulk if bulk is not None else fmt == "sirene":
                writer = BulkWriter(report, known_perimeters)
            for item in stream:
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    continue
                commune = item.data.get("commune")
                if communes is not None and commune not in communes:
                    continue
                if writer is not None:
                    writer.add(item)
                    continue
                try:
                    with transaction.atomic():
                        outcome = _upsert(item, known_perimeters)
                except DomainError as error:
                    report.rejections.append(Rejection(item.line, item.raw, error.message))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
            if writer is not None:
                writer.finish()
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    report.rejected = len(report.rejections)
    write_rejections(path, report.rejections)
    return report


def rejections_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejets.csv")


def write_rejections(path: Path, rejections: list[Rejection]) -> None:
    target = rejections_path(path)
    if not rejections:
        target.unlink(missing_ok=True)
        return
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ligne", "motif", "donnees"])
        for rejection in rejections:
            writer.writerow(
                [rejection.line, rejection.reason, json.dumps(rejection.raw, ensure_ascii=False, default=str)]
            )

"""Imports of structures: our CSV, SIRENE stock files, data·inclusion, GoGoCarto. Idempotent upserts.

Every format is read as a stream of `Candidate`s (or rejections with a reason in French), then written
through the services: a structure is found by (source, source_id), else by SIRET, and updated with the
import's field groups (groups the structure edited itself are left alone). A dry run does all the work in
a transaction that is rolled back, so its counts are exact.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from essaim.core.db_rules import database_errors, text_errors
from essaim.core.errors import DomainError
from essaim.core.exports import csv_bytes
from essaim.core.french import counted
from essaim.core.home import waiting_changed
from essaim.core.progress import Advance, no_progress
from essaim.directory import services
from essaim.directory.models import Activity, Structure
from essaim.territory.models import Perimeter, PerimeterCommune

from .bulk import BulkWriter
from .candidates import (
    Candidate,
    ImportReport,
    Rejection,
    UpdateNote,
    file_encoding,
    keep_known_perimeters,
)
from .formats import read_csv, read_data_inclusion, read_gogocarto
from .records import keep_source_record, note_update
from .sirene import read_sirene

FORMATS = ("csv", "sirene", "data-inclusion", "gogocarto")


# --- Writing ------------------------------------------------------------------------------------------


def _perimeter_communes(code: str) -> set[str]:
    if ":" not in code and code != "national":
        return {code}
    if not Perimeter.objects.filter(code=code).exists():
        raise DomainError(f"Périmètre inconnu : {code}.")
    return set(PerimeterCommune.objects.filter(perimeter__code=code).values_list("commune_id", flat=True))


def _upsert(candidate: Candidate, known_perimeters: set[str], status: str, report: ImportReport) -> str:
    keep_known_perimeters(candidate, known_perimeters)
    structure = Structure.objects.filter(source=candidate.source, source_id=candidate.source_id).first()
    siret = candidate.data.get("siret")
    if structure is None and siret:
        structure = Structure.objects.filter(siret=siret).first()
    if structure is None:
        structure = services.structure_create(
            actor=None,
            data=candidate.data,
            activities=candidate.activities,
            status=status,
            source=candidate.source,
            source_id=candidate.source_id,
        )
        if status == Structure.Status.TO_REVIEW:
            keep_source_record(structure, candidate)
        return "created"
    result = services.structure_update(
        actor=None,
        structure=structure,
        data=candidate.data,
        activities=candidate.activities,
        source=candidate.source,
        source_id=candidate.source_id,
    )
    if structure.status == Structure.Status.TO_REVIEW and structure.source == candidate.source:
        keep_source_record(structure, candidate)
    note_update(report, candidate, structure, result.changed_groups)
    return "updated" if result.changed else "unchanged"


_STRUCTURE_COLUMNS = {
    f.name: f
    for f in Structure._meta.concrete_fields
    if not f.is_relation and f.name not in ("id", "created_at", "updated_at")
}
_ACTIVITY_DESCRIPTION = Activity._meta.get_field("description")


def candidate_errors(candidate: Candidate) -> list[str]:
    """What the database would refuse in this candidate (lengths, NUL characters, ranges), in French."""
    values = {name: value for name, value in candidate.data.items() if name in _STRUCTURE_COLUMNS}
    errors = database_errors(Structure(**values), fields=values)
    for activity in candidate.activities or []:
        errors += text_errors(
            str(_ACTIVITY_DESCRIPTION.verbose_name), activity.description, _ACTIVITY_DESCRIPTION.max_length
        )
    return errors


def recheck_excluded(rejection: Rejection, report: ImportReport) -> None:
    """A record now out of scope that an earlier import published (a CCAS imported as a supplier) goes
    back "à vérifier", with its record, for a facilitator to set it aside; listed in the updates file."""
    structure = Structure.objects.filter(
        source=rejection.source, source_id=rejection.source_id, status=Structure.Status.PUBLISHED
    ).first()
    if structure is None or structure.organisation_id is not None:
        return  # a structure managed by its own people is theirs: reports and facilitators handle it
    with transaction.atomic():
        services.structure_set_status(actor=None, structure=structure, status=Structure.Status.TO_REVIEW)
        keep_source_record(
            structure,
            Candidate(rejection.line, rejection.raw, rejection.source, rejection.source_id, data={}),
        )
    report.updates.append(
        UpdateNote(rejection.line, structure.pk, structure.name, ("à vérifier (hors champ)",))
    )


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
    encoding: str | None = None,
    publish: bool | None = None,
    services_path: Path | None = None,
    advance: Advance | None = None,
) -> ImportReport:
    """Import `path`. `bulk` (default: on for SIRENE) writes by batches (`bulk.py`), same results.

    New structures land "à vérifier" (`to_review`: out of search, matching, API and exports) for the
    facilitators' review queue, with their source record; `publish` (default: only for our CSV) publishes
    them at once. Updates to existing structures apply at once (groups the structure edited are left
    alone), and those to published structures are listed in `<input>.mises-a-jour.csv`. Records out of
    scope (not ESS producers) are counted `excluded`, with their reason in the rejects file.
    `advance(rows, total=…)` is told of each record read (the command's progress bar, `core.progress`).

    `encoding` declares the text file's encoding; without it, the whole file is checked (UTF-8, else
    Windows-1252, else a French error asking for `--encoding`). Every candidate is checked against what
    the database refuses (lengths, NUL characters) before it is written, so the check counts what the
    commit does, on SQLite and PostgreSQL alike."""
    if fmt not in FORMATS:
        raise DomainError(f"Format inconnu : {fmt}.")
    communes = _perimeter_communes(perimeter) if perimeter else None
    report = ImportReport(excluded=0)
    if publish is None:
        publish = fmt == "csv"
    status = Structure.Status.PUBLISHED if publish else Structure.Status.TO_REVIEW
    if services_path is not None and fmt != "data-inclusion":
        raise DomainError("Le fichier des services (--services) ne sert qu'au format data-inclusion.")
    if fmt in ("csv", "data-inclusion"):
        file_encoding(path, encoding)  # a file in no known encoding fails here, before anything is read
        if services_path is not None:
            file_encoding(services_path, encoding)
    advance = advance or no_progress
    if fmt in ("csv", "data-inclusion") and path.suffix.lower() != ".json":
        advance(0, total=_data_lines(path))
    if fmt == "csv":
        stream = read_csv(path, encoding)
    elif fmt == "sirene":
        stream = read_sirene(
            path,
            establishments,
            communes,
            report=report,
            # The kept units are the candidates to come (fewer inside a perimeter: no total then).
            on_units=None if communes is not None else lambda kept: advance(0, total=kept),
        )
    elif fmt == "data-inclusion":
        stream = read_data_inclusion(path, encoding, services_path)
    else:
        stream = read_gogocarto(path)
    known_perimeters = set(Perimeter.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            writer = None
            if bulk if bulk is not None else fmt == "sirene":
                writer = BulkWriter(report, known_perimeters, status=status)
            for item in stream:
                advance(1)
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    if item.excluded and item.source_id:
                        recheck_excluded(item, report)
                    continue
                commune = item.data.get("commune")
                if communes is not None and commune not in communes:
                    continue
                problems = candidate_errors(item)
                if problems:
                    report.rejections.append(Rejection(item.line, item.raw, " ; ".join(problems) + "."))
                    continue
                if writer is not None:
                    writer.add(item)
                    continue
                try:
                    with transaction.atomic():
                        outcome = _upsert(item, known_perimeters, status, report)
                except DomainError as error:
                    report.rejections.append(Rejection(item.line, item.raw, error.message))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
            if writer is not None:
                writer.finish()
            if report.created and status == Structure.Status.TO_REVIEW:
                waiting_changed(facilitators=True)  # after the commit: the queue's count changed
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    report.tally()
    write_rejections(path, report.rejections, report.excluded_summary)
    write_updates(path, report.updates)
    return report


def _data_lines(path: Path) -> int:
    """The lines after the header of a text file (a CSV's rows, give or take quoted line breaks)."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def rejections_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejets.csv")


def updates_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.mises-a-jour.csv")


def write_rejections(path: Path, rejections: list[Rejection], summary: dict[str, int] | None = None) -> None:
    """The rejected and excluded rows beside the input; exclusions too many to list (SIRENE's non-ESS
    units) are given as one line per reason with their count."""
    target = rejections_path(path)
    if not rejections and not summary:
        target.unlink(missing_ok=True)
        return
    # The shared safe writer: an operator opens this file in a spreadsheet, and the rows come from outside.
    rows: list[list[Any]] = [
        [r.line, r.reason, json.dumps(r.raw, ensure_ascii=False, default=str)] for r in rejections
    ]
    rows += [["", f"{reason} : {counted(count, 'ligne')}", ""] for reason, count in (summary or {}).items()]
    target.write_bytes(csv_bytes(["ligne", "motif", "donnees"], rows))


def write_updates(path: Path, updates: list[UpdateNote]) -> None:
    """The published structures the import changed, beside the input (none: no file)."""
    target = updates_path(path)
    if not updates:
        target.unlink(missing_ok=True)
        return
    rows = ([u.line, u.structure_id, u.name, ", ".join(u.groups)] for u in updates)
    target.write_bytes(csv_bytes(["ligne", "fiche", "nom", "groupes modifiés"], rows))

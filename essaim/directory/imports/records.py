"""What an import keeps beside the structures: the source record of a structure awaiting review, and the
list of published structures it changed."""

from __future__ import annotations

import json
from typing import Any

from essaim.directory.models import SourceRecord, Structure

from .candidates import Candidate, ImportReport, UpdateNote


def source_link(raw: dict[str, Any]) -> str:
    """The record's page at its producer (data·inclusion `lien_source`), when it is a web address."""
    link = str(raw.get("lien_source") or raw.get("url") or "").strip()
    return link if link.startswith(("https://", "http://")) and len(link) <= 2083 else ""


def keep_source_record(structure: Structure, candidate: Candidate) -> None:
    """Keep the record a structure awaiting review comes from (the review shows it side by side)."""
    SourceRecord.objects.update_or_create(
        structure=structure,
        defaults={
            "source": candidate.source,
            "source_id": candidate.source_id,
            "record": json.loads(json.dumps(candidate.raw, default=str)),
            "link": source_link(candidate.raw),
        },
    )


def note_update(report: ImportReport, candidate: Candidate, structure: Structure, groups: set[str]) -> None:
    """A published structure changed by the import: listed in the updates file beside the input."""
    if structure.status == Structure.Status.PUBLISHED and groups:
        report.updates.append(UpdateNote(candidate.line, structure.pk, structure.name, tuple(sorted(groups))))

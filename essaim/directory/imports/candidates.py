"""What every import format yields: a `Candidate` structure or a `Rejection` with a reason in French,
counted in an `ImportReport`; and the helpers the readers and writers share."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essaim.directory.services import ActivityInput

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Candidate:
    line: int
    raw: dict[str, Any]
    source: str
    source_id: str
    data: dict[str, Any]
    activities: list[ActivityInput] | None = None


@dataclass
class Rejection:
    line: int
    raw: dict[str, Any]
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def open_text(path: Path) -> io.TextIOWrapper:
    """UTF-8 (with or without BOM), else Windows-1252."""
    with path.open("rb") as probe:
        sample = probe.read(1 << 16)
    try:
        sample.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return path.open(encoding=encoding, newline="")


def keep_known_perimeters(candidate: Candidate, known: set[str]) -> None:
    """Activities may only point to perimeters that exist; a commune without its perimeter row is dropped."""
    if not candidate.activities:
        return
    candidate.activities = [
        ActivityInput(
            sector=a.sector,
            service_types=a.service_types,
            perimeters=tuple(p for p in a.perimeters if p == "national" or p in known),
            description=a.description,
        )
        for a in candidate.activities
    ]

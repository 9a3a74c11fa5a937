"""What every import format yields: a `Candidate` structure or a `Rejection` with a reason in French,
counted in an `ImportReport`; and the helpers the readers and writers share."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essaim.core.errors import DomainError
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
    """A source record left out: rejected (bad data), or `excluded` (valid, but not an ESS producer)."""

    line: int
    raw: dict[str, Any]
    reason: str
    excluded: bool = False
    # An excluded record's key in its source: a structure an earlier import published from it goes back to
    # the review queue (`run.recheck_excluded`).
    source: str = ""
    source_id: str = ""


@dataclass(frozen=True)
class UpdateNote:
    """A published structure an import changed: listed in the import's updates file."""

    line: int
    structure_id: int
    name: str
    groups: tuple[str, ...]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    excluded: int | None = None  # structure imports count the out-of-scope records (others leave it None)
    excluded_summary: dict[str, int] = field(default_factory=dict)  # reason -> count, not one row each
    updates: list[UpdateNote] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        counts = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
        if self.excluded is not None:
            counts["excluded"] = self.excluded
        return counts

    def tally(self) -> None:
        """Count the rejected and excluded records from the rows kept (and the summarised exclusions)."""
        self.rejected = sum(1 for r in self.rejections if not r.excluded)
        if self.excluded is not None:
            self.excluded = sum(1 for r in self.rejections if r.excluded) + sum(
                self.excluded_summary.values()
            )


_CHUNK = 1 << 20


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The line of the first byte sequence `encoding` cannot decode, reading the whole file; None if none."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return lines + chunk[: error.start].count(b"\n")
            offset += len(chunk)
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines
    return None


def file_encoding(path: Path, declared: str | None = None) -> str:
    """The encoding to read `path` with, checked on the whole file (never a guess on its first bytes).

    A declared encoding must decode every byte; otherwise UTF-8 (with or without BOM), else Windows-1252.
    Raises a DomainError in French naming the first bad line."""
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError as error:
            raise DomainError(
                f"Encodage inconnu : {declared} (par exemple utf-8, cp1252, latin-1)."
            ) from error
        line = _first_undecodable_line(path, name)
        if line is not None:
            raise DomainError(
                f"Le fichier n'est pas encodé en {declared} : octet invalide à la ligne {line}."
            )
        return "utf-8-sig" if name == "utf-8" else name
    if _first_undecodable_line(path, "utf-8") is None:
        return "utf-8-sig"
    line = _first_undecodable_line(path, "cp1252")
    if line is None:
        return "cp1252"
    raise DomainError(
        f"Le fichier n'est ni en UTF-8 ni en Windows-1252 (octet invalide à la ligne {line}) : indiquez son "
        "encodage avec --encoding (par exemple --encoding latin-1)."
    )


def open_text(path: Path, encoding: str | None = None) -> io.TextIOWrapper:
    """`path` opened as text in its encoding (`file_encoding`: checked on the whole file)."""
    return path.open(encoding=file_encoding(path, encoding), newline="")


class _Lines:
    """The physical lines of a text file, with the lines of the current record kept (to read again)."""

    def __init__(self, handle: io.TextIOWrapper) -> None:
        self.handle = handle
        self.pending: list[str] = []
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pending.pop(0) if self.pending else next(self.handle)
        self.taken.append(line)
        return line


MALFORMED_QUOTE = "Guillemet mal placé ou non fermé : la ligne est ignorée, les suivantes sont lues."


def csv_rows(handle: io.TextIOWrapper) -> Iterator[tuple[int, dict[str, str] | None, str]]:
    """The rows of a CSV file with a header (`;` or `,`), as (line, row, "") or (line, None, reason).

    `line` is the physical line where the row starts. A malformed quote never swallows the rows after it:
    a record spanning several lines without the header's number of fields (or that the csv module refuses)
    is reported at its first line, and reading starts again at the next line. Quoted fields holding line
    breaks with the right number of fields are kept."""
    header_line = handle.readline()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    lines = _Lines(handle)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    number = 2
    while True:
        lines.taken = []
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            fields = None
        spanned = len(lines.taken)
        if fields is None or (spanned > 1 and len(fields) != len(header)):
            yield number, None, MALFORMED_QUOTE
            lines.pending = lines.taken[1:] + lines.pending
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            number += 1
            continue
        if any(field.strip() for field in fields):
            yield number, dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=False)), ""
        number += spanned


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

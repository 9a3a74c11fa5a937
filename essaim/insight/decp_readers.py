"""Record iterators over DECP files: JSON (stdlib scanner or ijson), tabular CSV and Parquet.

No Django import: worker processes import this module alone.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import ijson

try:
    JSON_BACKEND: Any = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - depends on the wheel
    JSON_BACKEND = ijson


class DecpStream:
    """A binary stream that drops a UTF-8 BOM, reads bare NaN/Infinity values (pandas exports) as null
    and renames the "contrat-concession" key to "marche".

    Renaming lets one ijson pass (`marches.marche.item`) yield marchés and concessions alike; concessions
    are told apart by their content (`autoriteConcedante`, `concessionnaires`, `valeurGlobale`).
    """

    KEY = re.compile(rb'"contrat-concession"(\s*:)')
    NAN = re.compile(rb"([:\[,]\s*)(?:NaN|-?Infinity)(\s*[,}\]])")
    TAIL = 40

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.pending = b""
        self.first = True
        self.eof = False

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else size
        while True:
            while not self.eof and len(self.pending) < size + self.TAIL:
                chunk = self.raw.read(max(size, 64 * 1024))
                if not chunk:
                    self.eof = True
                    break
                if self.first:
                    chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                    self.first = False
                self.pending += chunk
            data = self.pending
            if b"contrat-concession" in data:
                data = self.KEY.sub(rb'"marche"\1', data)
            if b"NaN" in data or b"Infinity" in data:
                data = self.NAN.sub(rb"\1null\2", data)
            self.pending = data
            # Keep a tail so that a key split across two reads is renamed; never return more than asked,
            # and never an empty chunk before the end of the file.
            cut = len(data) if self.eof else len(data) - self.TAIL
            if cut > 0 or self.eof:
                cut = min(cut, size)
                out, self.pending = data[:cut], data[cut:]
                return out


def json_prefix(path: Path) -> str | None:
    """Where the records are: `marches.marche.item` (wrapped), `marches.item` (plain) or `item`."""
    with path.open("rb") as raw:
        for prefix, event, _value in JSON_BACKEND.parse(DecpStream(raw)):
            if prefix == "" and event == "start_array":
                return "item"
            if prefix == "marches" and event == "start_array":
                return "marches.item"
            if prefix == "marches" and event == "start_map":
                return "marches.marche.item"
    return None


def iter_json_ijson(path: Path) -> Iterator[Any]:
    """Records of a DECP JSON file streamed by ijson (yajl2 C backend); raises where the file breaks."""
    prefix = json_prefix(path)
    if prefix is None:
        raise ValueError("aucun tableau de marchés trouvé")
    with path.open("rb") as raw:
        yield from JSON_BACKEND.items(DecpStream(raw), prefix, use_float=True)


class JsonScanner:
    """Stream the records of a DECP JSON file with the C-accelerated stdlib decoder.

    Walks the outer structure by hand (`{"marches": {"marche": [...], "contrat-concession": [...]}}`,
    `{"marches": [...]}` or a bare list) and decodes one record at a time with `JSONDecoder.raw_decode`
    from a sliding text buffer, so memory holds one chunk (1 MiB) plus one record. About 3x faster than
    ijson's yajl2 C backend on DECP records (measured in docs/insight.md). Accepts a BOM and bare NaN.
    """

    CHUNK = 1 << 20
    MAX_VALUE = 16 << 20  # a record larger than this is a broken file, not a slow one

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.json = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.first = True

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.raw.read(self.CHUNK)
        text = self.decoder.decode(data, final=not data)
        if self.first:
            text = text.removeprefix("\ufeff")
            self.first = False
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        self.eof = not data
        return True

    def _peek(self) -> str:
        """The next non-blank character (not consumed), or "" at the end of the file."""
        while True:
            buf, pos, size = self.buf, self.pos, len(self.buf)
            while pos < size and buf[pos] in " \t\r\n":
                pos += 1
            self.pos = pos
            if pos < size:
                return buf[pos]
            if not self._fill():
                return ""

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            raise ValueError(f"JSON invalide : « {char} » attendu, « {found[:1]} » trouvé")
        self.pos += 1

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self.eof or len(self.buf) - self.pos > self.MAX_VALUE:
                    raise
                self._fill()
                continue
            if end == len(self.buf) and not self.eof:  # a number may go on in the next chunk
                self._fill()
                continue
            self.pos = end
            return value

    def _array(self) -> Iterator[Any]:
        self._expect("[")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self._value()
            char = self._peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise ValueError(f"JSON invalide : « , » ou « ] » attendu, « {char[:1]} » trouvé")

    def _object(self, depth: int) -> Iterator[Any]:
        """Walk an object; stream the arrays under "marches" (depth 0) or its keys (depth 1)."""
        self._expect("{")
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            key = self._value()
            self._expect(":")
            char = self._peek()
            if depth == 0 and key == "marches" and char == "[":
                yield from self._array()
            elif depth == 0 and key == "marches" and char == "{":
                yield from self._object(1)
            elif depth == 1 and char == "[":
                yield from self._array()
            else:
                self._value()  # another key: skipped
            char = self._peek()
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                raise ValueError(f"JSON invalide : « , » ou « }} » attendu, « {char[:1]} » trouvé")

    def records(self) -> Iterator[Any]:
        char = self._peek()
        if char == "[":
            yield from self._array()
        elif char == "{":
            yield from self._object(0)
        else:
            raise ValueError("aucun tableau de marchés trouvé")


def iter_json_scan(path: Path) -> Iterator[Any]:
    with path.open("rb") as raw:
        yield from JsonScanner(raw).records()


JSON_READERS = {"scan": iter_json_scan, "ijson": iter_json_ijson}


def iter_csv(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = handle.readline()
        delimiter = ";" if header.count(";") > header.count(",") else ","
        handle.seek(0)
        if handle.read(1) != "\ufeff":
            handle.seek(0)
        yield from csv.DictReader(handle, delimiter=delimiter)


def iter_parquet(path: Path) -> Iterator[dict[str, Any]]:
    con = duckdb.connect()
    try:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        columns = [description[0] for description in cursor.description]
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                yield dict(zip(columns, row, strict=True))
    finally:
        con.close()

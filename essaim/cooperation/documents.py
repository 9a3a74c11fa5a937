"""Checking a shared document: its type from its first bytes (and zip contents), its extension, its size."""

from __future__ import annotations

import io
import zipfile
from typing import IO

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024  # 10 Mo

EXTENSIONS = {
    "pdf": "pdf",
    "odt": "odt",
    "docx": "docx",
    "xlsx": "xlsx",
    "ods": "ods",
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
}


def detect_kind(stream: IO[bytes]) -> str | None:
    """The document kind ("pdf", "odt", …) read from the content, or None when not allowed."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    return None


def _zip_kind(stream: IO[bytes]) -> str | None:
    try:
        data = stream.read()
        stream.seek(0)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {
                    "application/vnd.oasis.opendocument.text": "odt",
                    "application/vnd.oasis.opendocument.spreadsheet": "ods",
                }.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def extension_kind(filename: str) -> str | None:
    if "." not in filename:
        return None
    return EXTENSIONS.get(filename.rsplit(".", 1)[1].lower())

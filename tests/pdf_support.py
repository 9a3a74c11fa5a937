"""What poppler's `pdfinfo` says of a PDF Essaim produced: tagged (a structure tree), its title shown."""

from __future__ import annotations

import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader


def pdfinfo(pdf: bytes) -> dict[str, str]:
    """The `Key: value` lines of `pdfinfo` (poppler-utils) for these bytes."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        Path(file.name).write_bytes(pdf)
        output = subprocess.run(  # noqa: S603 — our own bytes, a fixed command
            ["pdfinfo", file.name],  # noqa: S607 — poppler-utils, installed by scripts/system-packages.sh
            check=True,
            capture_output=True,
            text=True,
            encoding="utf-8",  # noqa: S607
        ).stdout
    info = {}
    for line in output.splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def assert_tagged_pdf(pdf: bytes, title: str) -> None:
    """A tagged PDF (structure tree, PDF/UA-1) whose document title starts with `title`."""
    assert pdf.startswith(b"%PDF")
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes", info
    assert info["Title"].startswith(title), info
    catalog = PdfReader(BytesIO(pdf)).trailer["/Root"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"], (
        "the viewer must show the title, not the file name"
    )
    assert catalog["/Lang"] == "fr", "the document language must be French"
    assert "/StructTreeRoot" in catalog

"""Imports of structures (our CSV, SIRENE stock files, data·inclusion, GoGoCarto): `candidates` (what a
reader yields), `formats` and `sirene` (readers), `run` (the idempotent upserts, dry run by default),
`bulk` and `raw` (the batched path of national files), `sirene_sample` (synthetic SIRENE files)."""

from essaim.directory.imports.candidates import Candidate, ImportReport, Rejection, open_text
from essaim.directory.imports.run import FORMATS, rejections_path, run_import, write_rejections

__all__ = [
    "FORMATS",
    "Candidate",
    "ImportReport",
    "Rejection",
    "open_text",
    "rejections_path",
    "run_import",
    "write_rejections",
]

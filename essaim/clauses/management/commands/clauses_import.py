"""`essaim clauses_import PATH --kind {contracts,hours} [--commit]`: import the facilitators' spreadsheets.

Prints one JSON line `{"created": n, "updated": n, "unchanged": n, "rejected": n}`; rejected rows are kept
with their reason in `<file>.rejets.csv`; nothing is written without `--commit` (see docs/clauses.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.clauses.imports import KINDS, run_import
from essaim.core.errors import DomainError


class Command(BaseCommand):
    help = "Importe des marchés à clause ou des heures mensuelles (CSV ou XLSX ; simulation sans --commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--kind", choices=KINDS, required=True, help="contracts (marchés) ou hours (heures)."
        )
        parser.add_argument("--commit", action="store_true", help="Écrire dans la base (sinon : simulation).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = run_import(options["path"], options["kind"], commit=options["commit"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(report.as_dict()))

"""essaim import_structures PATH --format {csv,sirene,data-inclusion,gogocarto} [--services SERVICES]
[--perimeter CODE] [--encoding E] [--publish | --review] [--quiet] [--commit]

Progress (records read, rate, time left) on stderr when it is a terminal, unless --quiet; the one-line
JSON report is the last line of stdout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.errors import DomainError
from essaim.core.progress import progress
from essaim.directory.imports import FORMATS, run_import


class Command(BaseCommand):
    help = "Importe des structures (dry run par défaut ; --commit pour écrire)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--perimeter", help="Ne garder que les structures situées dans ce périmètre.")
        parser.add_argument("--etablissements", type=Path, help="SIRENE : fichier StockEtablissement.")
        parser.add_argument(
            "--services", type=Path, help="data·inclusion : fichier des services (offres et secteurs)."
        )
        parser.add_argument("--commit", action="store_true", help="Écrire dans la base (sinon : simulation).")
        parser.add_argument("--quiet", action="store_true", help="Sans barre de progression.")
        review = parser.add_mutually_exclusive_group()
        review.add_argument(
            "--publish",
            action="store_true",
            help="Publier tout de suite les nouvelles structures (sinon « à vérifier », sauf pour le CSV).",
        )
        review.add_argument(
            "--review",
            action="store_true",
            help="CSV : mettre les nouvelles structures « à vérifier » au lieu de les publier.",
        )
        parser.add_argument(
            "--encoding",
            help="Encodage du fichier (utf-8, cp1252, latin-1…) ; sinon vérifié sur tout le fichier : "
            "UTF-8, à défaut Windows-1252.",
        )
        parser.add_argument(
            "--row-by-row",
            action="store_true",
            help="Écrire ligne à ligne par les services (sinon : par lots pour SIRENE, voir docs/directory.md).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        for given in (path, options["services"]):
            if given is not None and not given.exists():
                raise CommandError(f"Fichier introuvable : {given}")
        try:
            with progress("Enregistrements lus", total=None, quiet=options["quiet"]) as advance:
                report = run_import(
                    path,
                    options["format"],
                    perimeter=options["perimeter"],
                    commit=options["commit"],
                    establishments=options["etablissements"],
                    bulk=False if options["row_by_row"] else None,
                    encoding=options["encoding"],
                    publish=True if options["publish"] else False if options["review"] else None,
                    services_path=options["services"],
                    advance=advance,
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(report.as_dict()))

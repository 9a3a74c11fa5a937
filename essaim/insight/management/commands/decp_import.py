"""`essaim decp_import PATH [PATH ...] [--db PATH]`: import DECP files into the analytics store."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from essaim.insight import store
from essaim.insight.decp_import import import_files
from essaim.insight.linking import link


class Command(BaseCommand):
    help = "Importe des fichiers DECP (JSON, CSV tabulaire, Parquet) dans l'entrepôt analytique DuckDB."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+", help="Fichiers à importer, dans l'ordre de publication.")
        parser.add_argument("--db", default=None, help="Fichier DuckDB (par défaut : settings.INSIGHT_DB).")
        parser.add_argument("--workers", type=int, default=None, help="Processus de lecture en parallèle.")
        parser.add_argument(
            "--no-link", action="store_true", help="Ne pas relier les titulaires à l'annuaire après l'import."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            con = store.connect(options["db"])
        except Exception as error:  # duckdb raises several types (IO, locks)
            raise CommandError(f"Impossible d'ouvrir l'entrepôt : {error}") from error
        try:
            report = import_files(options["paths"], con=con, workers=options["workers"])
            linked = None
            if not options["no_link"]:
                try:
                    linked = link(con)
                except DatabaseError:  # no Django database here (e.g. a standalone import host)
                    linked = None
        finally:
            con.close()
        self.stdout.write(json.dumps(report.as_dict()))
        if linked is not None:
            self.stderr.write(f"Titulaires reliés à l'annuaire : {linked} SIREN de l'ESS.")

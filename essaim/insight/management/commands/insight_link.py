"""`essaim insight_link [--db PATH]`: link DECP holders to the directory (fills `ess_sirens`)."""

from __future__ import annotations

import json
from typing import Any

import duckdb
from django.core.management.base import BaseCommand, CommandError

from essaim.insight.linking import link


class Command(BaseCommand):
    help = "Relie les titulaires des marchés aux structures de l'annuaire (SIREN) dans l'entrepôt DuckDB."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--db", default=None, help="Fichier DuckDB (par défaut : settings.INSIGHT_DB).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kept = link(db_path=options["db"])
        except duckdb.Error as error:
            raise CommandError(f"Impossible d'écrire dans l'entrepôt : {error}") from error
        self.stdout.write(json.dumps({"ess_sirens": kept}))

"""`essaim renewals --buyer ID --from YYYY-MM-DD --months N --json [--db PATH]`: the renewal radar.

A JSON list of the buyer's marchés (concessions are not listed) whose end date falls in
`[from, from + N months)`, sorted by end date then id, each with at least `id`, `buyer_siret`, `ends`,
`amount`, `cpv`, `holders` (SIRENs) and `local_structures` (the territory's published structures of the
sector the CPV maps to). The name is a published interface (issue 15), kept as written there.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from essaim.core.commands import date_option
from essaim.core.french import counted, plural
from essaim.insight import renewals, selectors, store
from essaim.insight.errors import InsightError


class Command(BaseCommand):
    help = "Liste les marchés d'un acheteur (SIRET, SIREN ou epci:SIREN) qui arrivent à échéance."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--buyer", required=True, help="SIRET, SIREN ou epci:SIREN.")
        parser.add_argument(
            "--from",
            dest="start",
            default=None,
            help="Début de la fenêtre, AAAA-MM-JJ (aujourd'hui).",
        )
        parser.add_argument(
            "--months", type=int, default=renewals.DEFAULT_MONTHS, help="Largeur de la fenêtre en mois."
        )
        parser.add_argument("--json", action="store_true", help="Sortie JSON sur une ligne.")
        parser.add_argument("--db", default=None, help="Fichier DuckDB (par défaut : settings.INSIGHT_DB).")

    def handle(self, *args: Any, **options: Any) -> None:
        start = date_option(options["start"]) or timezone.localdate()
        try:
            con = store.connect(options["db"])
        except duckdb.Error as error:
            raise CommandError(f"Impossible d'ouvrir l'entrepôt : {error}") from error
        try:
            lines = selectors.renewals_for(con, buyer=options["buyer"], start=start, months=options["months"])
        except InsightError as error:
            raise CommandError(error.message) from error
        finally:
            con.close()
        if options["json"]:
            self.stdout.write(json.dumps([line.as_json() for line in lines], ensure_ascii=False))
            return
        for line in lines:
            c = line.contract
            self.stdout.write(
                f"{c.ends.isoformat()}  {c.buyer_siret}  {c.id}  {c.amount or '-'} €  {c.object}  "
                f"({counted(line.local_structures, 'structure')} locale{plural(line.local_structures)})"
            )

"""`essaim clauses_summary --year YYYY [--buyer SIRET] --json`: the year's figures of the followed clauses.

`{"contracts", "hours_owed", "hours_done", "training_hours", "completion", "participants", "by_eligibility",
"by_modality"}`, with the rules of docs/clauses.md (« Tableaux de bord ») and counts of people under 5 as
"< 5". Without `--json`, the same figures as readable lines.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.clauses import services
from essaim.clauses.figures import buyer_contracts, year_figures
from essaim.clauses.models import Contract
from essaim.core.errors import DomainError


class Command(BaseCommand):
    help = "Chiffres d'une année des clauses sociales suivies (tous les acheteurs, ou un SIRET d'acheteur)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--buyer", help="SIRET de l'acheteur.")
        parser.add_argument("--json", action="store_true", help="Une ligne JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("Année entre 2000 et 2100.")
        contracts = Contract.objects.all()
        if options["buyer"]:
            try:
                contracts = buyer_contracts(services.valid_siret(options["buyer"]))
            except DomainError as error:
                raise CommandError(error.message) from error
        summary = year_figures(contracts, year).summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        for key, value in summary.items():
            self.stdout.write(f"{key}: {value}")

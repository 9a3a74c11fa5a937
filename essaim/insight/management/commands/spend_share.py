"""`essaim spend_share --buyer SIRET --year YYYY --json`: a buyer's spend shares of one year.

Prints `{"total": x, "suppliers": n, "ess": {"amount", "share", "suppliers"}, "inclusive": {…},
"local_ess": {…}}`; shares = amount ÷ total rounded to 4 decimals. The name is the one issue 15 publishes.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.insight import selectors


class Command(BaseCommand):
    help = "Parts des dépenses d'un acheteur auprès de l'ESS, des structures inclusives et de l'ESS locale."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--buyer", required=True, help="SIRET de l'acheteur.")
        parser.add_argument("--year", required=True, type=int, help="Année des dépenses.")
        parser.add_argument("--json", action="store_true", help="Sortie JSON sur une ligne.")

    def handle(self, *args: Any, **options: Any) -> None:
        siret = options["buyer"].strip().replace(" ", "")
        buyer = selectors.buyer_organisation(siret)
        record = selectors.spend_import_of(buyer, options["year"]) if buyer is not None else None
        if record is None:
            raise CommandError(f"Aucun import de dépenses pour l'acheteur {siret} en {options['year']}.")
        result = selectors.spend_shares(record, with_previous=False).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")

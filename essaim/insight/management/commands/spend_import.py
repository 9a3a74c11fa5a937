"""`essaim spend_import PATH --buyer SIRET --year YYYY [--ttc]`: import a buyer's yearly spend file.

Prints `{"rows": n, "suppliers": n, "matched": n, "rejected": n}` (rows read, suppliers after adding up
their rows, suppliers matched to the directory by SIREN, rejected rows kept with their reason) and
replaces that buyer-year's previous import; a buyer Essaim does not know yet is created from its SIRET.
The name is the one issue 15 publishes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.core.errors import DomainError
from essaim.insight import services

MAX_FILE_MB = 200


class Command(BaseCommand):
    help = "Importe le fichier de dépenses d'un acheteur pour une année (CSV ou XLSX)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="Fichier CSV (; ou ,, UTF-8 ou Windows-1252) ou XLSX.")
        parser.add_argument("--buyer", required=True, help="SIRET de l'acheteur.")
        parser.add_argument("--year", required=True, type=int, help="Année des dépenses.")
        parser.add_argument("--ttc", action="store_true", help="Montants TTC (sinon HT).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        if path.stat().st_size > MAX_FILE_MB * 1024 * 1024:
            raise CommandError(f"Fichier de plus de {MAX_FILE_MB} Mo : découpez-le.")
        try:
            buyer = services.spend_buyer(actor=None, siret=options["buyer"])
            record = services.spend_import(
                actor=None,
                buyer=buyer,
                year=options["year"],
                ttc=options["ttc"],
                filename=path.name,
                raw=path.read_bytes(),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(json.dumps(services.spend_counts(record)))

"""`essaim indicators --buyer ID --year YYYY --json [--db PATH]`: indicators of a buyer for a year."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.insight import store
from essaim.insight.errors import InsightError
from essaim.insight.indicators import indicators
from essaim.territory.models import Epci


def epci_member_sirens(epci_siren: str) -> list[str]:
    """SIRENs of the member communes of an EPCI/EPT, from the territory data."""
    epci = Epci.objects.filter(siren=epci_siren).first()
    if epci is None:
        raise CommandError(f"EPCI inconnu : {epci_siren}. Importez d'abord le découpage administratif.")
    return [siren for siren in epci.communes.exclude(siren="").values_list("siren", flat=True)]


class Command(BaseCommand):
    help = "Calcule les indicateurs d'achat responsable d'un acheteur (SIRET, SIREN ou epci:SIREN) pour une année."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--buyer", required=True, help="SIRET, SIREN ou epci:SIREN.")
        parser.add_argument("--year", required=True, type=int, help="Année de notification.")
        parser.add_argument("--json", action="store_true", help="Sortie JSON sur une ligne.")
        parser.add_argument("--db", default=None, help="Fichier DuckDB (par défaut : settings.INSIGHT_DB).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            con = store.connect(options["db"])
        except Exception as error:  # duckdb raises several types (IO, locks)
            raise CommandError(f"Impossible d'ouvrir l'entrepôt : {error}") from error
        try:
            result = indicators(
                con, buyer=options["buyer"], year=options["year"], buyer_sirets_resolver=epci_member_sirens
            )
        except InsightError as error:
            raise CommandError(error.message) from error
        finally:
            con.close()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")

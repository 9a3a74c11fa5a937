"""`essaim report_spaser --buyer ID --year YYYY --out DIR [--db PATH]`: the SPASER report as PDF, CSV, XLSX."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.insight import exports, selectors
from essaim.insight.charts import all_charts
from essaim.insight.errors import InsightError
from essaim.insight.forms import normalise_buyer


class Command(BaseCommand):
    help = "Écrit le rapport SPASER d'un acheteur (SIRET, SIREN ou epci:SIREN) pour une année : PDF, CSV et XLSX."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--buyer", required=True, help="SIRET, SIREN ou epci:SIREN.")
        parser.add_argument("--year", required=True, type=int, help="Année de notification.")
        parser.add_argument("--out", required=True, help="Dossier où écrire les fichiers.")
        parser.add_argument("--db", default=None, help="Fichier DuckDB (par défaut : settings.INSIGHT_DB).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            buyer = normalise_buyer(options["buyer"])
            with selectors.open_store(options["db"]) as con:
                report = selectors.report_for(con, buyer=buyer, year=options["year"])
        except InsightError as error:
            raise CommandError(error.message) from error
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        written = {}
        for extension, content in (
            ("pdf", exports.report_pdf(report, all_charts(report))),
            ("csv", exports.report_csv(report)),
            ("xlsx", exports.report_xlsx(report)),
        ):
            path = out / exports.filename(report, extension)
            path.write_bytes(content)
            written[extension] = str(path)
        self.stdout.write(
            json.dumps(
                {
                    "buyer": buyer,
                    "year": options["year"],
                    "contracts": report.indicators["contracts"],
                    "report_s": report.seconds,
                    "files": written,
                },
                ensure_ascii=False,
            )
        )

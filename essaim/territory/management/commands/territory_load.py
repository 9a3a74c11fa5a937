"""Load the committed extract of the administrative geography into the database (idempotent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.territory.extract import ExtractError
from essaim.territory.services import DEFAULT_EXTRACT, territory_load


class Command(BaseCommand):
    help = (
        "Charge les régions, départements, communes, EPCI/EPT et périmètres depuis l'extrait du découpage "
        "administratif. Sans effet si la base est déjà à jour ; affiche un résumé JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DEFAULT_EXTRACT, help="extrait .json.gz à charger")
        parser.add_argument(
            "--dry-run", action="store_true", help="calculer les changements sans les enregistrer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Extrait introuvable : {path}")
        try:
            report = territory_load(path=path, dry_run=options["dry_run"])
        except (ExtractError, KeyError, ValueError) as error:
            raise CommandError(f"Extrait illisible ({path}) : {error}") from error
        if not report.changed:
            self.stderr.write("Référentiel territorial déjà à jour : rien n'a été créé, modifié ni supprimé.")
        elif report.dry_run:
            self.stderr.write("Simulation : des changements seraient enregistrés (rien n'a été écrit).")
        else:
            self.stderr.write(self.style.SUCCESS("Référentiel territorial chargé."))
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

"""essaim directory_make_sirene_sample --units N --out DIR: synthetic SIRENE stock files for load tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.directory.imports.sirene_sample import write_sample
from essaim.territory.models import Commune


class Command(BaseCommand):
    help = (
        "Écrit des fichiers SIRENE synthétiques (unités légales et établissements) pour les tests de charge."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, default=200_000)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        communes = list(Commune.objects.values_list("code", flat=True))
        units, establishments = write_sample(
            options["out"], units=options["units"], communes=communes, seed=options["seed"]
        )
        self.stdout.write(json.dumps({"units": str(units), "establishments": str(establishments)}))

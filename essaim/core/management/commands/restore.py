"""`essaim restore DIR`: restore a backup made by `essaim backup` into the configured database (new, or
replaced with --remplacer), storages and insight store, then compare every table's row count and every
file's checksum with the backup's manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.backup import backup_restore
from essaim.core.errors import BackupError


class Command(BaseCommand):
    help = "Restaure une sauvegarde d'essaim backup puis vérifie lignes et fichiers contre son manifeste."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="dossier d'une sauvegarde (avec manifest.json)")
        parser.add_argument(
            "--remplacer",
            action="store_true",
            dest="replace",
            help="écraser une base qui contient déjà des tables",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(directory=options["directory"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(error.message) from error
        if report.mismatches:
            raise CommandError("Restauration incomplète :\n" + "\n".join(report.mismatches))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration vérifiée : {report.tables} tables, {report.rows} lignes, {report.files} fichiers, "
                f"entrepôt d'analyse {'restauré' if report.insight else 'absent de la sauvegarde'}."
            )
        )

"""`essaim backup DIR`: the database, every uploaded file (public and private) and the insight store, with a
manifest of row counts and checksums (see essaim/core/backup.py and docs/deploy.md, "Backups")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.core.backup import backup_create
from essaim.core.errors import BackupError


class Command(BaseCommand):
    help = "Sauvegarde la base, les fichiers déposés et l'entrepôt d'analyse dans un dossier neuf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="dossier de la sauvegarde (neuf ou vide)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(directory=options["directory"])
        except BackupError as error:
            raise CommandError(error.message) from error
        tables = manifest["database"]["tables"]
        files = sum(len(listed) for listed in manifest["files"].values())
        self.stdout.write(
            f"Sauvegarde écrite dans {options['directory']} : {len(tables)} tables, "
            f"{sum(tables.values())} lignes, {files} fichiers, "
            f"entrepôt d'analyse {'inclus' if manifest['insight'] else 'absent sur ce serveur'}."
        )

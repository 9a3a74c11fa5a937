"""`essaim worker`: runs background jobs (django-tasks database backend). Arguments go to `db_worker`."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exécute les tâches de fond (courriels, relances, lots d'envoi)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Traite les tâches en attente puis s'arrête."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--batch"] if options["batch"] else []
        call_command("db_worker", *extra)

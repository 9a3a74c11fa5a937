"""`essaim clauses_purge [--today YYYY-MM-DD]`: delete the participants' identities past the retention
period (`CLAUSES_IDENTITY_RETENTION_YEARS`, 3 years after their last declared month). Run it daily (cron or
a systemd timer, next to `essaim worker`); it is idempotent. Prints one JSON line `{"purged": n}`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.clauses import services
from essaim.core.commands import date_option


class Command(BaseCommand):
    help = (
        "Supprime les identités des participants au-delà de la durée de conservation (à lancer chaque jour)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Date du jour à retenir (AAAA-MM-JJ), pour rattraper ou tester.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date_option(options["today"])
        self.stdout.write(json.dumps({"purged": services.identities_purge(today=today)}))

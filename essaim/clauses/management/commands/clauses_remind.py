"""`essaim clauses_remind [--today YYYY-MM-DD]`: send the monthly declaration links (for the month just over)
and the reminders of months still not declared after the 10th of the next month. Run it daily (cron or a
systemd timer); it is idempotent. Prints one JSON line `{"links": n, "reminders": n}`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.clauses import services
from essaim.core.commands import date_option


class Command(BaseCommand):
    help = "Envoie les liens de déclaration mensuels et les relances des mois non déclarés (chaque jour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Date du jour à retenir (AAAA-MM-JJ), pour rattraper ou tester.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date_option(options["today"])
        links = services.monthly_links_send(today=today)
        reminders = services.reminders_send(today=today)
        self.stdout.write(json.dumps({"links": links, "reminders": reminders}))

"""`essaim sourcing_tick`: enqueue what is due (next batches of emails, follow-ups after the deadline).
Run it every hour (cron or a systemd timer); the tasks run in `essaim worker`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from essaim.sourcing import tasks


class Command(BaseCommand):
    help = "Met en file les envois dus : vagues suivantes de courriels, enquêtes après la date limite."

    def handle(self, *args: Any, **options: Any) -> None:
        result = tasks.tick.enqueue()
        self.stdout.write(f"Envois dus mis en file ({result.status}).")

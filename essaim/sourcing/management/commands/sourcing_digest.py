"""`essaim sourcing_digest`: enqueue the weekly digest of every subscribed structure (run it weekly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from essaim.sourcing import tasks


class Command(BaseCommand):
    help = "Envoie la lettre hebdomadaire des besoins et prévisions d'achat aux structures abonnées."

    def handle(self, *args: Any, **options: Any) -> None:
        result = tasks.weekly_digest.enqueue()
        self.stdout.write(f"Lettre hebdomadaire mise en file ({result.status}).")

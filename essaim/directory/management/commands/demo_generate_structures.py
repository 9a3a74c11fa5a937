"""essaim demo_generate_structures --count N: synthetic structures for load tests (progress on a terminal,
then a one-line JSON report)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.core.progress import progress
from essaim.directory.synthetic import generate_structures


class Command(BaseCommand):
    help = "Génère des structures synthétiques réalistes (tests de charge)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--quiet", action="store_true", help="sans barre de progression")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with progress("Structures générées", total=options["count"], quiet=options["quiet"]) as advance:
            created = generate_structures(options["count"], seed=options["seed"], advance=advance)
        elapsed = time.perf_counter() - started
        self.stdout.write(json.dumps({"created": created, "seconds": round(elapsed, 1)}))

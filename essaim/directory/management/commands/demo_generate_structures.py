"""essaim demo_generate_structures --count N: synthetic structures for load tests."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.directory.synthetic import generate_structures


class Command(BaseCommand):
    help = "Génère des structures synthétiques réalistes (tests de charge)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        created = generate_structures(options["count"], seed=options["seed"])
        elapsed = time.perf_counter() - started
        self.stdout.write(json.dumps({"created": created, "seconds": round(elapsed, 1)}))

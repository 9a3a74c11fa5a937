"""`essaim bench_schedule [--time-limit S] [--json] [--only NAME ...]`: the scheduler on fixed-seed instances.

For each instance: the solver's satisfied weight, proven bound, idle periods and time, next to the greedy
baseline's weight and idle periods. Without `--time-limit`, each instance has its own limit (60 s for the
1,000-participant one, 10 s for the others).
"""

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.events.scheduling import BENCHMARK, greedy_baseline, solve, validate_schedule


class Command(BaseCommand):
    help = "Mesure le planificateur de rendez-vous sur des instances générées (graines fixes)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--time-limit", type=float, default=None, help="secondes par instance")
        parser.add_argument(
            "--json", action="store_true", help="une liste JSON au lieu d'une ligne par instance"
        )
        parser.add_argument(
            "--only", nargs="+", choices=[b.name for b in BENCHMARK], help="ne mesure que ces instances"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["time_limit"] is not None and not options["time_limit"] > 0:
            raise CommandError("--time-limit doit être un nombre de secondes positif.", returncode=2)
        results = []
        for bench in BENCHMARK:
            if options["only"] and bench.name not in options["only"]:
                continue
            instance = bench.instance()
            baseline = greedy_baseline(instance)
            time_limit = options["time_limit"] or bench.time_limit
            started = time.monotonic()
            schedule = solve(instance, time_limit=time_limit)
            seconds = time.monotonic() - started
            problems = validate_schedule(instance, schedule.meetings)
            if problems:
                raise CommandError(f"{bench.name} : planning invalide : " + " ".join(problems[:5]))
            result = {
                "instance": bench.name,
                "description": bench.description,
                "participants": len(instance.participants),
                "requests": len(instance.requests),
                "slots": instance.slots,
                "tables": instance.tables,
                "time_limit": time_limit,
                "satisfied_weight": schedule.satisfied_weight,
                "upper_bound": schedule.upper_bound,
                "gap_percent": round(100 * (1 - schedule.satisfied_weight / max(schedule.upper_bound, 1)), 2),
                "status": schedule.status,
                "idle_periods": schedule.idle_periods,
                "greedy_weight": baseline.satisfied_weight,
                "greedy_idle_periods": baseline.idle_periods,
                "seconds": round(seconds, 2),
            }
            results.append(result)
            if not options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))

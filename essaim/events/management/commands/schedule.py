"""`essaim schedule PATH.json [--time-limit S] [--json]`: schedule buyer–supplier meetings.

A thin wrapper around `essaim.events.scheduling`: read, parse, solve, self-check, print.
Bad input ends with a French message on stderr and exit status 2.
"""

import json
import math
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from essaim.events.scheduling import (
    DEFAULT_TIME_LIMIT,
    SchedulingInputError,
    parse_instance,
    schedule_as_json,
    solve,
    validate_schedule,
)

INPUT_ERROR = 2


class Command(BaseCommand):
    help = "Planifie les rendez-vous acheteurs–fournisseurs décrits dans un fichier JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", help="fichier JSON : slots, tables, breaks, participants, requests, locked"
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=DEFAULT_TIME_LIMIT,
            help=f"durée maximale de calcul en secondes (défaut : {DEFAULT_TIME_LIMIT:g})",
        )
        parser.add_argument("--json", action="store_true", help="écrit le résultat en JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        time_limit = options["time_limit"]
        if not (math.isfinite(time_limit) and time_limit > 0):
            raise CommandError(
                "--time-limit doit être un nombre de secondes positif.", returncode=INPUT_ERROR
            )
        path = Path(options["path"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(
                f"Impossible de lire « {path} » : {error.strerror or error}.", returncode=INPUT_ERROR
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                f"« {path} » n'est pas un JSON valide : {error}.", returncode=INPUT_ERROR
            ) from None
        try:
            instance = parse_instance(data)
        except SchedulingInputError as error:
            raise CommandError(f"Données invalides : {error}", returncode=INPUT_ERROR) from None

        schedule = solve(instance, time_limit=time_limit)
        problems = validate_schedule(instance, schedule.meetings)
        if problems:  # a bug, not bad input: never print an invalid schedule
            raise CommandError("Erreur interne, planning invalide : " + " ".join(problems[:5]))

        if options["json"]:
            self.stdout.write(json.dumps(schedule_as_json(schedule), ensure_ascii=False))
            return
        status = "optimal" if schedule.status == "optimal" else "réalisable (optimalité non prouvée)"
        self.stdout.write(
            f"{len(schedule.meetings)} rendez-vous, poids satisfait {schedule.satisfied_weight} "
            f"(borne {schedule.upper_bound}, {status}), {schedule.idle_periods} temps morts."
        )
        for meeting in schedule.meetings:
            self.stdout.write(
                f"créneau {meeting.slot:>3}  table {meeting.table:>4}  {meeting.a} – {meeting.b}"
            )

"""`essaim match PATH.json [--limit N] --json`: rank the published structures for a need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from essaim.sourcing.errors import MatchInputError
from essaim.sourcing.match_input import candidate_queryset, candidates_from_db, need_from_dict
from essaim.sourcing.matching import rank


class Command(BaseCommand):
    help = (
        "Classe les structures publiées de l'annuaire pour un besoin décrit en JSON "
        '({"title", "description", "sectors", "service_types", "commune" ou "perimeter", "reserved", "amount"}) '
        "et affiche pour chacune son score et ses raisons."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="fichier JSON du besoin")
        parser.add_argument("--limit", type=int, default=None, help="nombre de structures à afficher")
        parser.add_argument("--json", action="store_true", help="sortie JSON (liste de résultats)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        limit: int | None = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit doit être un entier positif.", returncode=2)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"Fichier introuvable : {path}", returncode=2) from error
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"JSON illisible ({path}) : {error}", returncode=2) from error
        try:
            request = need_from_dict(data)
        except MatchInputError as error:
            raise CommandError(f"Besoin invalide : {error}", returncode=2) from error
        matches = rank(request.need, candidates_from_db(candidate_queryset(request)), limit=limit)
        if options["json"]:
            payload = [{"id": m.id, "name": m.name, "score": m.score, "reasons": m.reasons} for m in matches]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for position, match in enumerate(matches, start=1):
            self.stdout.write(f"{position:>3}. {match.name} — {match.score:.2f}")
            for reason in match.reasons:
                self.stdout.write(f"       · {reason}")

"""essaim search "QUERY" [--commune CODE] [--sector SLUG] [--kind CODE] [--limit N] --json

Rows on stdout (a JSON list with --json); how they were found, when not every word matched (the page's
sentence: partial match, corrected or absent words), on stderr."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from essaim.directory.selectors import SearchFilters, search_structures


class Command(BaseCommand):
    help = "Cherche dans l'annuaire et affiche les structures par ordre de pertinence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="?", default="")
        parser.add_argument(
            "--commune", default="", help="Structures qui interviennent dans cette commune (INSEE)."
        )
        parser.add_argument("--sector", action="append", default=[])
        parser.add_argument("--kind", action="append", default=[])
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="Sortie JSON (une liste).")

    def handle(self, *args: Any, **options: Any) -> None:
        filters = SearchFilters(
            sectors=tuple(options["sector"]), kinds=tuple(options["kind"]), works_in=options["commune"]
        )
        limit = max(1, min(options["limit"], 1000))
        result = search_structures(options["query"], filters, page_size=limit, with_facets=False)
        rows = [
            {
                "id": s.pk,
                "name": s.name,
                "siret": s.siret,
                "score": round(float(getattr(s, "score", 0.0)), 6),
                "kinds": s.inclusion_kinds,
                "sectors": [t.slug for t in s.top_sectors],
                "commune": s.commune_id,
                "words_matched": getattr(s, "words_matched", None),
            }
            for s in result.hits
        ]
        if result.message:  # how the results were found (partial match, corrections), as on the page
            self.stderr.write(result.message)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
        else:
            for row in rows:
                words = f"  {row['words_matched']}/{result.words_total} mots" if result.partial else ""
                self.stdout.write(f"{row['score']:>10.4f}  {row['name']}  ({row['commune'] or '—'}){words}")

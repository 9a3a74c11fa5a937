"""essaim bench_search --structures N: fill with N synthetic structures if needed, replay 200 queries."""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from essaim.core.benchmarks import loadavg
from essaim.directory import references
from essaim.directory.models import Structure
from essaim.directory.search import get_backend
from essaim.directory.sector_mappings import TOP_LEVEL_SLUGS
from essaim.directory.selectors import SearchFilters, search_structures
from essaim.directory.synthetic import WORDS, generate_structures
from essaim.territory.models import Commune


def query_mix(seed: int = 7, count: int = 200) -> list[tuple[str, SearchFilters, str, int]]:
    """A fixed mix: text only, text + filters, filters only, later pages, other sorts."""
    rng = random.Random(seed)
    communes = list(Commune.objects.order_by("code").values_list("code", flat=True)[:50]) or [""]
    mix = []
    for i in range(count):
        words = " ".join(rng.sample(WORDS[:60], k=rng.choice([1, 1, 2, 2, 3])))
        filters = SearchFilters()
        if i % 3 == 1:
            filters = SearchFilters(sectors=(rng.choice(TOP_LEVEL_SLUGS),))
        elif i % 3 == 2:
            filters = SearchFilters(
                kinds=(rng.choice(list(references.INCLUSION_KINDS)),), works_in=rng.choice(communes)
            )
        query = "" if i % 10 == 9 else words
        sort = "relevance" if i % 7 else rng.choice(["name", "updated"])
        page = 1 if i % 5 else rng.randint(2, 4)
        mix.append((query, filters, sort, page))
    return mix


class Command(BaseCommand):
    help = "Mesure la recherche de l'annuaire (p50, p95, requêtes par seconde)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--structures", type=int, default=10_000)
        parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries of the mix")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = options["structures"]
        existing = Structure.objects.count()
        if existing < wanted:
            generate_structures(wanted - existing)
        if connection.vendor == "sqlite":
            get_backend().rebuild()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        timings = []
        mix = query_mix()
        search_structures(*mix[0])  # warm-up
        started = time.perf_counter()
        slow = []
        for query, filters, sort, page in mix:
            t0 = time.perf_counter()
            result = search_structures(query, filters, sort, page)
            len(result.hits)
            timings.append((time.perf_counter() - t0) * 1000)
            slow.append((timings[-1], query, filters, sort, page, result.total, result.estimated))
        elapsed = time.perf_counter() - started
        timings.sort()
        for ms, query, filters, sort, page, total, estimated in sorted(slow, reverse=True)[
            : options["slowest"]
        ]:
            self.stderr.write(
                f"{ms:8.1f} ms  {query!r} {filters} {sort} p{page} total={total} est={estimated}"
            )
        self.stdout.write(
            json.dumps(
                {
                    "structures": Structure.objects.count(),
                    "backend": connection.vendor,
                    "p50_ms": round(statistics.median(timings), 1),
                    "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
                    "qps": round(len(timings) / elapsed, 1),
                    "loadavg": loadavg(),
                }
            )
        )

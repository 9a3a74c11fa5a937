"""essaim bench_search [--structures N] [--relevance]: the directory search's latency on a query mix that
looks like a real query log, per family of queries, or its relevance on the labelled queries.

Latency: fills the database up to N synthetic structures if needed (progress on a terminal), then replays
the mix (`query_mix`) twice and prints p50/p95 per family and overall with the load average. Relevance
(`--relevance`): nDCG@10 and the share of queries without any result over `tests/directory/labelled_queries.json`
on the database's published structures (the demo directory: `essaim demo_setup`, loaded if the database
has no structure at all). The last line of stdout is a one-line JSON report.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from essaim.core.benchmarks import latency_summary, loadavg
from essaim.core.progress import progress
from essaim.directory import references
from essaim.directory.demo import ensure_demo_structures
from essaim.directory.models import Structure
from essaim.directory.relevance import LABELS, evaluate, load_labels
from essaim.directory.search import get_backend
from essaim.directory.sector_mappings import TOP_LEVEL_SLUGS
from essaim.directory.selectors import SearchFilters, search_structures
from essaim.directory.synthetic import WORDS, generate_structures
from essaim.territory.models import Commune

# Words no structure of the synthetic directory holds (nor the demo one): a buyer's word the directory lacks.
ABSENT = (
    "trottinette festival pelouse hospitalier porcelaine drone piscine vitrail céramique parquet toiture "
    "serrurerie aquarium escalade karaoké fromagerie boulangerie tapisserie horlogerie hamac"
).split()
# Words a few structures hold (the demo directory's own vocabulary; commune names are added from the data).
RARE = (
    "confitures arcade maroquinerie cargo gobelets smartphones curage phytosanitaires ludothèque vaisselle "
    "cimetières affranchissement végétalisation scooters coworking fablab"
).split()
FAMILIES = {  # family: number of queries in the mix (300 in all; misspellings are 10 %)
    "frequent": 75,  # one or two of the most frequent words
    "three_words": 30,  # three words drawn from the whole vocabulary
    "rare": 30,  # a word few structures hold, alone or with a frequent one
    "misspelt": 30,  # one word with a typing error
    "absent": 30,  # one word no structure holds, with one or two known ones
    "filters": 45,  # words and filters (sector, kind and place)
    "filters_only": 15,  # no words, filters only
    "long": 15,  # a buyer's sentence: six to ten words, stopwords, sometimes an absent word
    "pages_sorts": 30,  # later pages, name and date sorts
}
# Cases seen slow in the field, always in the mix.
KNOWN_SLOW = {
    "misspelt": ["ressourcrie"],
    "rare": ["livraison vélo cargo"],
    "absent": ["décors de théâtre", "location costumes théâtre"],
}
STOPWORDS = ["de", "des", "pour", "la", "les", "et", "du", "avec", "en"]


def misspell(word: str, rng: random.Random) -> str:
    """The word with one typing error: a letter dropped, doubled, swapped with the next or replaced."""
    letters = list(word)
    i = rng.randrange(1, max(2, len(letters) - 1))
    kind = rng.choice(["drop", "double", "swap", "replace"])
    if kind == "drop":
        del letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    elif kind == "swap" and i + 1 < len(letters) and letters[i] != letters[i + 1]:
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i] = rng.choice("aeiourstnl".replace(letters[i], ""))
    return "".join(letters)


def query_mix(seed: int = 7) -> list[tuple[str, str, SearchFilters, str, int]]:
    """(family, query, filters, sort, page) for every query of the mix, in a fixed shuffled order."""
    rng = random.Random(seed)
    communes = list(Commune.objects.order_by("code").values_list("code", "name")[:2000]) or [("", "")]
    places = [code for code, _name in communes[:50]]
    frequent = WORDS[:40]
    long_words = [w for w in WORDS if len(w) >= 7]
    kinds = list(references.INCLUSION_KINDS)

    def words(pool: list[str], k: int) -> str:
        return " ".join(rng.sample(pool, k=k))

    def filters() -> SearchFilters:
        choice = rng.randrange(3)
        if choice == 0:
            return SearchFilters(sectors=(rng.choice(TOP_LEVEL_SLUGS),))
        if choice == 1:
            return SearchFilters(kinds=(rng.choice(kinds),), works_in=rng.choice(places))
        return SearchFilters(sectors=(rng.choice(TOP_LEVEL_SLUGS),), located_in=rng.choice(places))

    mix: list[tuple[str, str, SearchFilters, str, int]] = []
    for family, count in FAMILIES.items():
        fixed = KNOWN_SLOW.get(family, [])
        mix += [(family, query, SearchFilters(), "relevance", 1) for query in fixed]
        for _ in range(count - len(fixed)):
            query, chosen, sort, page = "", SearchFilters(), "relevance", 1
            if family == "frequent":
                query = words(frequent, rng.choice([1, 1, 2]))
            elif family == "three_words":
                query = words(WORDS, 3)
            elif family == "rare":
                rare = rng.choice(RARE) if rng.random() < 0.5 else rng.choice(communes)[1]
                query = rare if rng.random() < 0.5 else f"{rng.choice(frequent)} {rare}"
            elif family == "misspelt":
                query = misspell(rng.choice(long_words), rng)
                if rng.random() < 0.3:
                    query = f"{rng.choice(frequent)} {query}"
            elif family == "absent":
                query = " ".join([*rng.sample(WORDS, k=rng.choice([1, 2])), rng.choice(ABSENT)])
            elif family == "filters":
                query, chosen = words(WORDS, rng.choice([1, 2])), filters()
            elif family == "filters_only":
                chosen = filters()
            elif family == "long":
                sentence = rng.sample(WORDS, k=rng.randint(4, 7)) + rng.sample(STOPWORDS, k=3)
                if rng.random() < 0.5:
                    sentence.append(rng.choice(ABSENT))
                rng.shuffle(sentence)
                query = " ".join(sentence)
            else:  # pages_sorts
                query = words(frequent, rng.choice([1, 2]))
                sort = rng.choice(["relevance", "name", "updated"])
                page = rng.randint(2, 4)
            mix.append((family, query, chosen, sort, page))
    rng.shuffle(mix)
    return mix


class Command(BaseCommand):
    help = (
        "Mesure la recherche de l'annuaire : latence (p50, p95 par famille de requêtes) ou, avec --relevance, "
        "pertinence (nDCG@10 sur les requêtes annotées)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--structures", type=int, default=10_000, help="structures visées (latence)")
        parser.add_argument("--slowest", type=int, default=0, help="affiche les N requêtes les plus lentes")
        parser.add_argument("--runs", type=int, default=2, help="passages sur le mélange de requêtes")
        parser.add_argument("--relevance", action="store_true", help="pertinence sur les requêtes annotées")
        parser.add_argument("--labels", type=Path, default=LABELS, help="requêtes annotées (JSON)")
        parser.add_argument("--quiet", action="store_true", help="sans barre de progression")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["relevance"]:
            self.stdout.write(json.dumps(self.relevance(options["labels"]), ensure_ascii=False))
            return
        wanted = options["structures"]
        existing = Structure.objects.count()
        if existing < wanted:
            with progress("Structures générées", total=wanted - existing, quiet=options["quiet"]) as advance:
                generate_structures(wanted - existing, advance=advance)
        if connection.vendor == "sqlite":
            get_backend().rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        mix = query_mix()
        search_structures(*mix[0][1:])  # warm-up
        timings: dict[str, list[float]] = {family: [] for family in FAMILIES}
        slow = []
        started = time.perf_counter()
        for _run in range(options["runs"]):
            for family, query, filters, sort, page in mix:
                t0 = time.perf_counter()
                result = search_structures(query, filters, sort, page)
                elapsed = (time.perf_counter() - t0) * 1000
                timings[family].append(elapsed)
                slow.append((elapsed, family, query, filters, sort, page, result.total, result.match))
        seconds = time.perf_counter() - started
        for ms, family, query, filters, sort, page, total, match in sorted(slow, key=lambda r: -r[0])[
            : options["slowest"]
        ]:
            self.stderr.write(
                f"{ms:8.1f} ms  {family:<12} {query!r} {filters} {sort} p{page} {match} total={total}"
            )
        every = [t for values in timings.values() for t in values]
        report = {
            "structures": Structure.objects.count(),
            "backend": connection.vendor,
            **{key: value for key, value in latency_summary(every).items() if key != "n"},
            "queries": len(every),
            "qps": round(len(every) / seconds, 1),
            "families": {family: latency_summary(values) for family, values in timings.items()},
            "loadavg": loadavg(),
        }
        self.stdout.write(json.dumps(report))

    def relevance(self, labels_path: Path) -> dict[str, Any]:
        if not labels_path.is_file():
            raise CommandError(f"Requêtes annotées introuvables : {labels_path}", returncode=2)
        if not Structure.objects.exists():
            ensure_demo_structures()
        report = evaluate(load_labels(labels_path))
        worst = sorted(report.pop("per_query"), key=lambda q: q["ndcg"])[:5]
        return {
            "backend": connection.vendor,
            "structures": Structure.objects.published().count(),
            **report,
            "worst": [{"query": q["query"], "ndcg": q["ndcg"], "top3": q["top3"]} for q in worst],
        }

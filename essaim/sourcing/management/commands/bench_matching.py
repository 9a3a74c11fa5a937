"""`essaim bench_matching [--structures N]`: quality (nDCG@10 on the labelled needs, demo data) and latency.

Quality is measured on the demo structures only (`source="demo"`), whatever else the database holds, with
the labelled needs of `tests/sourcing/labelled_needs.json` (graded 3/2/1 by name). Latency is the whole
`match` path (need parsing, SQL prefilter, loading candidates, ranking, top 10) for every labelled need,
repeated, once the directory holds at least N published structures (synthetic ones are added if needed).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from essaim.core.benchmarks import latency_summary, loadavg, ndcg
from essaim.core.progress import progress
from essaim.directory.demo import ensure_demo_structures
from essaim.directory.models import Structure
from essaim.directory.synthetic import generate_structures
from essaim.sourcing.match_input import candidate_queryset, candidates_from_db, need_from_dict
from essaim.sourcing.matching import rank

LABELS = Path(settings.BASE_DIR) / "tests" / "sourcing" / "labelled_needs.json"


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["needs"]


def evaluate(labels: list[dict[str, Any]], *, k: int = 10) -> dict[str, Any]:
    """nDCG@k of the matcher over the labelled needs, candidates = published demo structures."""
    per_need = []
    for item in labels:
        request = need_from_dict(item["need"])
        queryset = candidate_queryset(request, prefilter=False).filter(source="demo")
        ranked = rank(request.need, candidates_from_db(queryset), limit=k)
        score = ndcg([m.name for m in ranked], item["relevant"], k)
        per_need.append(
            {"title": item["need"]["title"], "ndcg": round(score, 4), "top3": [m.name for m in ranked[:3]]}
        )
    mean = statistics.fmean(n["ndcg"] for n in per_need) if per_need else 0.0
    return {"needs": len(per_need), f"ndcg@{k}": round(mean, 4), "per_need": per_need}


def time_matching(labels: list[dict[str, Any]], *, repeats: int = 3, limit: int = 10) -> dict[str, Any]:
    timings: list[float] = []
    sizes: list[int] = []
    for _ in range(repeats):
        for item in labels:
            started = time.perf_counter()
            request = need_from_dict(item["need"])
            candidates = candidates_from_db(candidate_queryset(request))
            rank(request.need, candidates, limit=limit)
            timings.append((time.perf_counter() - started) * 1000)
            sizes.append(len(candidates))
    summary = latency_summary(timings)
    return {
        "queries": summary["n"],
        "p50_ms": summary["p50_ms"],
        "p95_ms": summary["p95_ms"],
        "max_ms": round(max(timings), 1),
        "candidates_ranked_median": int(statistics.median(sizes)),
    }


class Command(BaseCommand):
    help = (
        "Mesure la qualité du classement (nDCG@10 sur les besoins annotés, données de démonstration) et sa "
        "latence (p50, p95) avec au moins N structures publiées (structures synthétiques ajoutées au besoin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--structures", type=int, default=1_000_000, help="structures publiées visées")
        parser.add_argument("--labels", type=Path, default=LABELS, help="besoins annotés (JSON)")
        parser.add_argument("--repeats", type=int, default=3, help="passages sur les besoins pour la latence")
        parser.add_argument("--quality-only", action="store_true", help="sans mesure de latence")
        parser.add_argument("--quiet", action="store_true", help="sans barre de progression")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["labels"].is_file():
            raise CommandError(f"Besoins annotés introuvables : {options['labels']}", returncode=2)
        labels = load_labels(options["labels"])
        ensure_demo_structures()
        report: dict[str, Any] = {"backend": connection.vendor}
        report["quality"] = evaluate(labels)
        if not options["quality_only"]:
            wanted = options["structures"]
            existing = Structure.objects.published().count()
            generated_seconds = 0.0
            if existing < wanted:
                started = time.perf_counter()
                with progress(
                    "Structures générées", total=wanted - existing, quiet=options["quiet"]
                ) as advance:
                    generate_structures(wanted - existing, advance=advance)
                generated_seconds = time.perf_counter() - started
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            report["latency"] = {
                "structures": Structure.objects.published().count(),
                "generated_seconds": round(generated_seconds, 1),
                **time_matching(labels, repeats=options["repeats"]),
                "loadavg": loadavg(),
            }
        self.stdout.write(json.dumps(report, ensure_ascii=False))

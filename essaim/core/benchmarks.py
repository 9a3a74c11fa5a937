"""What every `bench_*` command reports with its figures: the machine's load, latency summaries, and the
quality of a ranking against labelled answers (`bench_search --relevance`, `bench_matching`). Pure."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence


def loadavg() -> str:
    """The machine's load when measured (other work shares the cores); empty where unknown."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return ""


def latency_summary(timings_ms: Sequence[float]) -> dict[str, float]:
    """Number of measures, median and 95th percentile (nearest rank) of latencies in milliseconds."""
    ordered = sorted(timings_ms)
    if not ordered:
        return {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)], 1),
    }


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain at k of a ranking, gains 2^grade − 1 (1.0 when nothing is relevant)."""

    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True))
    return dcg([grades.get(name, 0) for name in ranked]) / ideal if ideal else 1.0

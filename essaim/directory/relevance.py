"""The directory search judged against labelled queries (`tests/directory/labelled_queries.json`): realistic
queries of buyers on the demo directory, each with the structures that should come first, graded 3/2/1.
Used by `essaim bench_search --relevance` and by a test that asserts the target (nDCG@10 ≥ 0.9, no query
without a result)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from django.conf import settings

from essaim.core.benchmarks import ndcg

from .selectors import SearchFilters, search_structures

LABELS = Path(settings.BASE_DIR) / "tests" / "directory" / "labelled_queries.json"


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def evaluate(labels: list[dict[str, Any]], *, k: int = 10) -> dict[str, Any]:
    """nDCG@k of the search over the labelled queries (on the published structures of the database: the
    demo directory), the share of queries without any result, and the means per family of queries."""
    per_query = []
    for item in labels:
        filters = SearchFilters(**item.get("filters", {}))
        result = search_structures(item["query"], filters, page_size=k, with_facets=False)
        ranked = [hit.name for hit in result.hits]
        per_query.append(
            {
                "query": item["query"],
                "family": item.get("family", ""),
                "ndcg": round(ndcg(ranked, item["relevant"], k), 4),
                "match": result.match,
                "top3": ranked[:3],
            }
        )
    families: dict[str, list[float]] = {}
    for row in per_query:
        families.setdefault(row["family"], []).append(row["ndcg"])
    return {
        "queries": len(per_query),
        f"ndcg@{k}": round(statistics.fmean(r["ndcg"] for r in per_query), 4) if per_query else 0.0,
        "no_result_share": round(sum(1 for r in per_query if not r["top3"]) / len(per_query), 4)
        if per_query
        else 0.0,
        "families": {name: round(statistics.fmean(v), 4) for name, v in sorted(families.items())},
        "per_query": per_query,
    }

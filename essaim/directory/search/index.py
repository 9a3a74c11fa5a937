"""Index-driven search: text and every filter answered by the full-text index (see `columns`).

The page of results costs the same whatever the directory's size:
- the total is the index count of the boolean expression (exact on SQLite; on PostgreSQL exact up to
  `PG_EXACT_COUNT`, beyond it estimated from id windows, `estimated=True`);
- facets are counted on the matching rows when there are at most `FACET_EXACT` of them, otherwise on a
  regular sample of them scaled to the total (`estimated=True`): small sets always get exact counts;
- hits: bm25 (SQLite) / ts_rank (PostgreSQL) top-K, name and date sorts walk their indexes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from essaim.directory import references
from essaim.directory.sector_mappings import TOP_LEVEL_SLUGS
from essaim.territory.models import Perimeter, PerimeterCommune

from .columns import LOCATED_TAG, NATIONAL_TAG, tag
from .partial import MIN_CORRECTED_LENGTH, QueryPlan, plan_query

FACET_EXACT = 3000
WORD_MAX_LENGTH = 60  # `SearchWord.MAX_LENGTH`: longer query words are never looked up nor corrected


def query_plan(backend: Any, terms: list[str]) -> QueryPlan:
    """Which query terms the index holds, which are misspelt (and their corrections), which are absent
    (`partial.plan_query`): one lookup in the word table, then, for a term it lacks, a check of the index
    itself (cheap for a word few or no structures hold) and the close words of the table."""
    if not terms:
        return QueryPlan()
    known = backend.word_documents(terms)
    candidates: dict[str, list[tuple[str, int]]] = {}
    for term in terms:
        if term in known:
            continue
        if len(term) > WORD_MAX_LENGTH or backend.holds(term):
            known[term] = 0
        elif len(term) >= MIN_CORRECTED_LENGTH:
            candidates[term] = backend.similar_words(term)
    return plan_query(terms, known, candidates)


def _perimeter_id(code: str) -> int | None:
    return Perimeter.objects.filter(code=code).values_list("id", flat=True).first()


def located_clause(code: str) -> list[str]:
    """Tags of the structures whose commune is (inside) `code`."""
    if code == "national":
        return [LOCATED_TAG]
    if ":" not in code:
        return [tag("c", code)]
    pk = _perimeter_id(code)
    return [tag("l", pk)] if pk else []


def works_in_clause(code: str) -> list[str]:
    if code == "national":
        return [NATIONAL_TAG]
    if ":" not in code:
        containing = PerimeterCommune.objects.filter(commune_id=code).values_list("perimeter_id", flat=True)
    else:
        inside = PerimeterCommune.objects.filter(perimeter__code=code).values("commune_id")
        containing = (
            PerimeterCommune.objects.filter(commune_id__in=inside)
            .values_list("perimeter_id", flat=True)
            .distinct()
        )
    return [*located_clause(code), NATIONAL_TAG, *(tag("w", pk) for pk in sorted(set(containing)))]


def filter_clauses(filters: Any) -> list[list[str]]:
    """The filters as AND of ORs over tags; an empty OR group matches nothing."""
    clauses = [[tag("status", "published")]]
    if filters.sectors:
        clauses.append([tag("s", slug) for slug in filters.sectors])
    for values, reference, prefix in (
        (filters.families, references.ESS_FAMILIES, "f"),
        (filters.kinds, references.INCLUSION_KINDS, "k"),
        (filters.reservations, references.RESERVATIONS, "r"),
    ):
        known = [tag(prefix, v) for v in values if v in reference]
        if known:
            clauses.append(known)
    if filters.ressourcerie:
        clauses.append(["zressourcerie"])
    if filters.works_in:
        clauses.append(works_in_clause(filters.works_in))
    if filters.located_in:
        clauses.append(located_clause(filters.located_in))
    return clauses


def facet_counts(rows: list[tuple[Any, ...]], scale: float) -> dict[str, list[int]]:
    """Counts per bit from rows (sectors_mask, families_mask, kinds_mask, e12, e13, e15), scaled."""
    combos = Counter(rows)
    sizes = {"sectors": len(TOP_LEVEL_SLUGS), "families": len(references.ESS_FAMILIES)}
    sizes["kinds"] = len(references.INCLUSION_KINDS)
    counts = {name: [0] * size for name, size in sizes.items()}
    counts["reservations"] = [0, 0, 0]
    for (sectors, families, kinds, *eligible), n in combos.items():
        for name, mask in (("sectors", sectors), ("families", families), ("kinds", kinds)):
            bucket = counts[name]
            for i in range(len(bucket)):
                if mask & (1 << i):
                    bucket[i] += n
        for i, flag in enumerate(eligible):
            if flag:
                counts["reservations"][i] += n
    if scale != 1:
        counts = {name: [round(c * scale) for c in values] for name, values in counts.items()}
    return counts

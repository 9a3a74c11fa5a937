"""Reads of the directory: the search with facets. Same behaviour on both databases.

Filter semantics (documented in docs/directory.md):
- within one facet, values are alternatives (OR); different facets combine (AND);
- `works_in=<commune INSEE code>`: structures located in the commune, or with an activity that is national
  or whose perimeters contain the commune;
- `works_in=<perimeter code>` (EPT/EPCI, département, région): structures located in one of its communes,
  or with an activity that is national or whose perimeters share at least one commune with it (overlap);
- `located_in=<commune code or perimeter code>`: the structure's own commune is (inside) it.
Facets are counted on the filtered set (text and every filter applied).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThan

from essaim.directory import references
from essaim.directory.models import Activity, Structure
from essaim.directory.search import get_backend
from essaim.directory.search import index as search_index
from essaim.directory.search.analysis import query_terms, typed_words
from essaim.directory.search.partial import QueryPlan, levels, tiered_page
from essaim.directory.sector_mappings import SECTORS, TOP_LEVEL_SLUGS
from essaim.territory.models import PerimeterCommune

PAGE_SIZE = 20
MAX_PAGE = 10_000  # deeper pages are clamped: nobody reads them, and huge offsets overflow the databases
SORTS = {"relevance": "Pertinence", "name": "Nom", "updated": "Dernière mise à jour"}
# Names close to the query (trigrams over every name) are the last resort up to this many published
# structures; beyond, a query none of whose words the index holds, even corrected, finds nothing (the
# trigram scan of a million names took 0.5 to 3 s, and every word of every name is already in the index).
NAMES_FALLBACK_MAX = 100_000
LEVEL_SCAN = (
    300  # PostgreSQL: a level of a partial search reads at most this many matches (search/postgres.py)
)
PARTIAL_MESSAGE = (
    "Aucune structure ne correspond à tous les mots ; voici celles qui correspondent au plus grand nombre"
)


@dataclass(frozen=True)
class SearchFilters:
    sectors: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    reservations: tuple[str, ...] = ()
    works_in: str = ""
    located_in: str = ""
    ressourcerie: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.sectors
            or self.families
            or self.kinds
            or self.reservations
            or self.works_in
            or self.located_in
            or self.ressourcerie
        )


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    hits: list[Structure]
    total: int
    facets: dict[str, list[FacetValue]]
    page: int = 1
    page_size: int = PAGE_SIZE
    fuzzy: bool = False
    terms: list[str] = field(default_factory=list)
    # True when the total or the facet counts are estimates (very large sets, see search/index.py)
    estimated: bool = False
    # "all": every word matched (some maybe corrected); "partial": the structures matching the most words
    # (each hit's `words_matched`); "names": names close to the query (typos), the last resort.
    match: str = "all"
    corrected: list[str] = field(default_factory=list)  # words as typed, replaced by close index words
    absent: list[str] = field(default_factory=list)  # words as typed that no structure holds
    words_total: int = 0  # query words a hit could match (what `words_matched` counts out of)

    @property
    def partial(self) -> bool:
        return self.match == "partial"

    @property
    def message(self) -> str:
        """What the page, the API and the command say about how the results were found (French)."""
        notes = []
        if self.match == "partial":
            notes.append(PARTIAL_MESSAGE + ".")
        if self.absent:
            notes.append("Aucune structure ne contient : " + ", ".join(f"« {w} »" for w in self.absent) + ".")
        if self.corrected:
            words = ", ".join(f"« {w} »" for w in self.corrected)
            notes.append(f"Mots inconnus de l'annuaire remplacés par les mots les plus proches : {words}.")
        if self.match == "names":
            notes.append("Aucune structure ne contient ces mots ; voici les noms les plus proches.")
        return " ".join(notes)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def published_more_than(limit: int) -> bool:
    """Whether more than `limit` structures are published: a bounded count (reads at most limit + 1 index
    entries), not a count of the whole directory."""
    return Structure.objects.published().order_by()[: limit + 1].count() > limit


def _bits_any(field_name: str, mask: int) -> GreaterThan:
    return GreaterThan(F(field_name).bitand(mask), 0)


def _communes_of(code: str) -> Q:
    """Q on a commune id column name `commune` for a commune code or perimeter code."""
    if ":" not in code and code != "national":
        return Q(commune_id=code)
    if code.startswith("dep:"):
        return Q(commune__departement_id=code[4:])
    if code.startswith("reg:"):
        return Q(commune__region_id=code[4:])
    if code == "national":
        return Q(commune__isnull=False)
    return Q(commune_id__in=PerimeterCommune.objects.filter(perimeter__code=code).values("commune_id"))


def _works_in(code: str) -> Q:
    national = Activity.objects.filter(is_national=True).values("structure_id")
    if code == "national":
        return Q(id__in=national)
    if ":" not in code:
        containing = PerimeterCommune.objects.filter(commune_id=code).values("perimeter_id")
    else:
        inside = PerimeterCommune.objects.filter(perimeter__code=code).values("commune_id")
        containing = PerimeterCommune.objects.filter(commune_id__in=inside).values("perimeter_id")
    local = Activity.perimeters.through.objects.filter(perimeter_id__in=containing).values(
        "activity__structure_id"
    )
    return _communes_of(code) | Q(id__in=national) | Q(id__in=local)


def filtered_structures(
    filters: SearchFilters, base: QuerySet[Structure] | None = None
) -> QuerySet[Structure]:
    qs = Structure.objects.published() if base is None else base
    top = [s for s in filters.sectors if s in SECTORS]
    sub = [s for s in filters.sectors if s not in SECTORS]
    sector_q = Q()
    if top:
        sector_q |= Q(_bits_any("sectors_mask", sum(1 << TOP_LEVEL_SLUGS.index(s) for s in top)))
    if sub:
        sector_q |= Q(id__in=Activity.objects.filter(sector__slug__in=sub).values("structure_id"))
    if top or sub:
        qs = qs.filter(sector_q)
    families = [f for f in filters.families if f in references.ESS_FAMILIES]
    if families:
        qs = qs.filter(_bits_any("ess_families_mask", references.mask_of(families, references.ESS_FAMILIES)))
    kinds = [k for k in filters.kinds if k in references.INCLUSION_KINDS]
    if kinds:
        qs = qs.filter(
            _bits_any("inclusion_kinds_mask", references.mask_of(kinds, references.INCLUSION_KINDS))
        )
    reservation_q = Q()
    for code in filters.reservations:
        if code in references.RESERVATIONS:
            reservation_q |= Q(**{f"eligible_{code.replace('-', '_')}": True})
    if reservation_q:
        qs = qs.filter(reservation_q)
    if filters.ressourcerie:
        qs = qs.filter(is_ressourcerie=True)
    if filters.works_in:
        qs = qs.filter(_works_in(filters.works_in))
    if filters.located_in:
        qs = qs.filter(_communes_of(filters.located_in))
    return qs


def _facet_counts(qs: QuerySet[Structure], filters: SearchFilters) -> dict[str, list[FacetValue]]:
    """All facet counts in one pass over the filtered set (raw SQL: the ORM spends longer building 36
    aggregate expressions than the database spends computing them)."""
    columns = ["sectors_mask", "ess_families_mask", "inclusion_kinds_mask"]
    eligibility = [f"eligible_{code.replace('-', '_')}" for code in references.RESERVATIONS]
    try:
        inner_sql, params = qs.order_by().values(*columns, *eligibility).query.sql_with_params()
    except EmptyResultSet:
        inner_sql, params = "", []
    selects = []
    for prefix, column, size in (
        ("s", "sectors_mask", len(TOP_LEVEL_SLUGS)),
        ("f", "ess_families_mask", len(references.ESS_FAMILIES)),
        ("k", "inclusion_kinds_mask", len(references.INCLUSION_KINDS)),
    ):
        selects += [
            f"SUM(CASE WHEN (t.{column} & {1 << i}) <> 0 THEN 1 ELSE 0 END) AS {prefix}{i}"
            for i in range(size)
        ]
    selects += [
        f"SUM(CASE WHEN t.{column} THEN 1 ELSE 0 END) AS r{i}" for i, column in enumerate(eligibility)
    ]
    row: dict[str, Any] = {}
    if inner_sql:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(selects)} FROM ({inner_sql}) t", params)  # noqa: S608
            names = [col[0] for col in cursor.description]
            row = dict(zip(names, cursor.fetchone(), strict=True))

    def values(prefix: str, items: dict[str, str], selected: tuple[str, ...]) -> list[FacetValue]:
        return [
            FacetValue(
                code=code, label=label, count=int(row.get(f"{prefix}{i}") or 0), selected=code in selected
            )
            for i, (code, label) in enumerate(items.items())
        ]

    return {
        "sectors": values("s", {slug: SECTORS[slug][0] for slug in TOP_LEVEL_SLUGS}, filters.sectors),
        "families": values("f", references.ESS_FAMILIES, filters.families),
        "kinds": values("k", references.INCLUSION_KINDS, filters.kinds),
        "reservations": values("r", references.RESERVATIONS, filters.reservations),
    }


def _hits(scored: list[tuple[int, float]]) -> list[Structure]:
    by_id = Structure.objects.with_listing().in_bulk([pk for pk, _ in scored])
    hits = []
    for pk, score in scored:
        structure = by_id.get(pk)
        if structure is not None:
            structure.score = score  # type: ignore[attr-defined]
            hits.append(structure)
    return hits


def _filter_relevance(qs: QuerySet[Structure], filters: SearchFilters) -> QuerySet[Structure]:
    """Without words, relevance to the filters: structures located where they are sought come first."""
    place = filters.located_in or filters.works_in
    if place:
        return qs.annotate(score=Case(When(_communes_of(place), then=Value(1)), default=Value(0)))
    return qs.annotate(score=Value(0, output_field=IntegerField()))


def search_structures(
    query: str = "",
    filters: SearchFilters | None = None,
    sort: str = "relevance",
    page: int = 1,
    *,
    page_size: int = PAGE_SIZE,
    with_facets: bool = True,
    base: QuerySet[Structure] | None = None,
) -> SearchResult:
    """Published structures matching `query` (all its words, French forms, misspelt words corrected) and
    `filters`, one page of them. When no structure matches every word, those matching the most words
    (`match="partial"`); when none holds any word, names close to the query (`match="names"`, the last
    resort, up to NAMES_FALLBACK_MAX published structures).
    """
    filters = filters or SearchFilters()
    sort = sort if sort in SORTS else "relevance"
    page = min(max(1, page), MAX_PAGE)
    offset = (page - 1) * page_size
    backend = get_backend()
    names_only = False
    indexed: SearchResult | None = None
    if base is None:
        indexed, found = _search_indexed(query, filters, sort, page, page_size, with_facets)
        if found:
            return indexed
        names_only = True  # no structure holds any word of the query: names close to it, the last resort
    qs = filtered_structures(filters, base)
    terms = query_terms(query)
    fuzzy = False
    if terms:
        matched = backend.text_filter(qs, terms)
        total = 0 if names_only else matched.count()
        if total:
            scored = backend.ranked_ids(qs, terms, sort, page_size, offset)
            counted = matched
        else:
            fuzzy_scores = (
                []
                if names_only and published_more_than(NAMES_FALLBACK_MAX)
                else backend.fuzzy_name_scores(qs, query)
            )
            fuzzy = bool(fuzzy_scores)
            total = len(fuzzy_scores)
            counted = qs.filter(id__in=[pk for pk, _ in fuzzy_scores])
            scored = _sort_fuzzy(fuzzy_scores, counted, sort)[offset : offset + page_size]
    elif query.strip() and not terms:
        # Only stopwords: nothing meaningful to look for, show everything that matches the filters.
        counted = qs
        total = qs.count()
        scored = _ordered_page(_filter_relevance(qs, filters), sort, offset, page_size)
    else:
        counted = qs
        total = qs.count()
        scored = _ordered_page(_filter_relevance(qs, filters), sort, offset, page_size)
    facets = _facet_counts(counted, filters) if with_facets else {}
    return SearchResult(
        hits=_hits(scored),
        total=total,
        facets=facets,
        page=page,
        page_size=page_size,
        fuzzy=fuzzy,
        terms=terms,
        match="names" if fuzzy else "all",
        absent=indexed.absent if indexed else [],
        words_total=indexed.words_total if indexed else 0,
    )


def _facets_from_counts(counts: dict[str, list[int]], filters: SearchFilters) -> dict[str, list[FacetValue]]:
    items = {
        "sectors": ({slug: SECTORS[slug][0] for slug in TOP_LEVEL_SLUGS}, filters.sectors),
        "families": (references.ESS_FAMILIES, filters.families),
        "kinds": (references.INCLUSION_KINDS, filters.kinds),
        "reservations": (references.RESERVATIONS, filters.reservations),
    }
    return {
        name: [
            FacetValue(code=code, label=label, count=counts[name][i], selected=code in selected)
            for i, (code, label) in enumerate(labels.items())
        ]
        for name, (labels, selected) in items.items()
    }


def _search_indexed(
    query: str, filters: SearchFilters, sort: str, page: int, page_size: int, with_facets: bool
) -> tuple[SearchResult, bool]:
    """Text and filters answered by the full-text index (search/index.py). Every word must match (a
    misspelt word: one of its corrections); when no structure matches them all, or a word is absent from
    the index, the structures matching the most words (`_search_partial`). Returns the result and whether
    it stands: not when no structure holds any word of the query (the caller then tries typo-tolerant
    names; the result still says which words are absent)."""
    backend = get_backend()
    terms = query_terms(query)
    clauses = search_index.filter_clauses(filters)
    offset = (page - 1) * page_size
    result = SearchResult(hits=[], total=0, facets={}, page=page, page_size=page_size, terms=terms)
    if any(not clause for clause in clauses):
        result.facets = (
            _facets_from_counts(search_index.facet_counts([], 1.0), filters) if with_facets else {}
        )
        return result, True
    plan = search_index.query_plan(backend, terms)
    typed = typed_words(query)
    result.corrected = [typed.get(t, t) for t in plan.corrected]
    result.absent = [typed.get(t, t) for t in plan.absent]
    result.words_total = len(plan.slots) + len(plan.absent)
    if terms and not plan.slots:
        return result, False
    groups = _groups(plan)
    if not plan.absent:
        expr = backend.expression(groups, clauses)
        total, estimated, facet_rows, facet_scale, matches = backend.count_and_facet_rows(
            expr, search_index.FACET_EXACT, groups
        )
        if total or not terms:
            scored = _page(backend, expr, groups, matches, total, clauses, filters, sort, offset, page_size)
            if with_facets:
                result.facets = _facets_from_counts(
                    search_index.facet_counts(facet_rows, facet_scale), filters
                )
                estimated = estimated or facet_scale != 1.0
            result.hits, result.total, result.estimated = _hits(scored), total, estimated
            for hit in result.hits:
                hit.words_matched = result.words_total  # type: ignore[attr-defined]
            return result, True
    return result, _search_partial(backend, plan, clauses, filters, sort, offset, with_facets, result)


def _groups(plan: QueryPlan, slots: Any = None) -> list[str | tuple[str, ...]]:
    """The slots as index terms: a word, or the tuple of a misspelt word's corrections."""
    return [s.words[0] if len(s.words) == 1 else s.words for s in (plan.slots if slots is None else slots)]


def _search_partial(
    backend: Any,
    plan: QueryPlan,
    clauses: list[list[str]],
    filters: SearchFilters,
    sort: str,
    offset: int,
    with_facets: bool,
    result: SearchResult,
) -> bool:
    """The structures matching the most query words (`partial.py`): the total and the facets over every
    structure matching at least one word, then one page cut across the levels of words matched, best level
    first, each level in the usual order. A level costs at most LEVEL_SCAN matches read (its count is then
    estimated and its page ranked among them). Fills `result`; False when no structure matches any word."""
    slots = plan.ranked
    groups = _groups(plan, slots)
    union = backend.level_expression(slots, 0, clauses)
    total, estimated, facet_rows, facet_scale, _matches = backend.count_and_facet_rows(
        union, search_index.FACET_EXACT, groups, any_word=True
    )
    if not total:
        return False
    counted: dict[int, tuple[str, int, list[tuple[Any, ...]] | None]] = {}

    def level(k: int) -> tuple[str, int, list[tuple[Any, ...]] | None]:
        if k not in counted:
            expr = backend.level_expression(slots, k, clauses)
            n, level_estimated, matches = backend.level_matches(expr, groups, LEVEL_SCAN)
            if level_estimated and sort != "relevance":
                matches = None  # a bounded slice ranks a page; other sorts walk their index
            counted[k] = (expr, n, matches)
        return counted[k]

    def fetch(k: int, start: int, limit: int) -> list[tuple[int, float]]:
        expr, n, matches = level(k)
        return _page(backend, expr, groups, matches, n, clauses, filters, sort, start, limit, any_word=True)

    rows = tiered_page(levels(plan), lambda k: level(k)[1], fetch, offset, result.page_size)
    result.match = "partial"
    result.hits = _hits([row for _k, row in rows])
    matched = {row[0]: k for k, row in rows}
    for hit in result.hits:
        hit.words_matched = matched[hit.pk]  # type: ignore[attr-defined]
    result.total = total
    if with_facets:
        result.facets = _facets_from_counts(search_index.facet_counts(facet_rows, facet_scale), filters)
    result.estimated = estimated or facet_scale != 1.0
    return True


def _page(
    backend: Any,
    expr: str,
    terms: list[str | tuple[str, ...]],
    matches: list[tuple[Any, ...]] | None,
    total: int,
    clauses: list[list[str]],
    filters: SearchFilters,
    sort: str,
    offset: int,
    page_size: int,
    *,
    any_word: bool = False,
) -> list[tuple[int, float]]:
    """One page of the structures matching `expr` ((id, score) pairs), in the order `sort` asks."""
    if matches is not None:
        return _sorted_matches(backend, matches, terms, clauses, filters, sort)[offset : offset + page_size]
    if sort == "relevance" and terms:
        return backend.ranked_page(expr, offset, page_size, terms, total, any_word=any_word)
    if sort == "relevance" and (filters.located_in or filters.works_in):
        # Without words: structures located where they are sought come first, then by name.
        place = search_index.located_clause(filters.located_in or filters.works_in)
        local_expr = backend.expression(terms, [*clauses, place]) if place else ""
        local = backend.count(local_expr)[0] if place else 0
        scored = (
            [(pk, 1.0) for pk in backend.sorted_page(local_expr, local, "name", offset, page_size)]
            if offset < local
            else []
        )
        if len(scored) < page_size:
            rest_expr = backend.expression(terms, clauses, exclude=place)
            rest_offset = max(0, offset - local)
            rest = backend.sorted_page(rest_expr, total, "name", rest_offset, page_size - len(scored))
            scored += [(pk, 0.0) for pk in rest]
        return scored
    order = "name" if sort == "relevance" else sort
    return [(pk, 0.0) for pk in backend.sorted_page(expr, total, order, offset, page_size)]


def _sorted_matches(
    backend: Any,
    matches: list[tuple[Any, ...]],
    terms: list[str | tuple[str, ...]],
    clauses: list[list[str]],
    filters: SearchFilters,
    sort: str,
) -> list[tuple[int, float]]:
    """Every match is at hand (PostgreSQL, small sets: (id, rank, name_normalised, updated_at)): sort them
    here, in the order the SQL of the other paths gives."""
    if sort == "relevance" and terms:
        ordered = sorted(matches, key=lambda m: (-m[1], m[2], m[0]))
        return [(m[0], float(m[1])) for m in ordered]
    if sort == "updated":
        return [(m[0], 0.0) for m in sorted(matches, key=lambda m: (-m[3].timestamp(), -m[0]))]
    local: set[int] = set()
    place = (filters.located_in or filters.works_in) if sort == "relevance" else ""
    if place and (place_clause := search_index.located_clause(place)):
        found = backend.count_and_facet_rows(backend.expression(terms, [*clauses, place_clause]), 0)[4]
        local = {m[0] for m in found or ()}
    ordered = sorted(matches, key=lambda m: (m[0] not in local, m[2], m[0]))
    return [(m[0], 1.0 if m[0] in local else 0.0) for m in ordered]


def _ordered_page(qs: QuerySet[Structure], sort: str, offset: int, limit: int) -> list[tuple[int, float]]:
    ordering = {"relevance": ("-score", "name_normalised", "id"), "name": ("name_normalised", "id")}.get(
        sort, ("-updated_at", "-id")
    )
    return [
        (pk, float(score))
        # `score` is annotated by `_filter_relevance`, which django-stubs cannot see.
        for pk, score in qs.order_by(*ordering).values_list("id", "score")[offset : offset + limit]  # type: ignore[misc]
    ]


def _sort_fuzzy(
    scores: list[tuple[int, float]], qs: QuerySet[Structure], sort: str
) -> list[tuple[int, float]]:
    info = {
        pk: (name, updated) for pk, name, updated in qs.values_list("id", "name_normalised", "updated_at")
    }
    rows = [(pk, score) for pk, score in scores if pk in info]
    if sort == "name":
        return sorted(rows, key=lambda r: (info[r[0]][0], r[0]))
    if sort == "updated":
        return sorted(rows, key=lambda r: (-info[r[0]][1].timestamp(), -r[0]))
    return sorted(rows, key=lambda r: (-r[1], info[r[0]][0], r[0]))

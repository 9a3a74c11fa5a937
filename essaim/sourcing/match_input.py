"""From the database to the matcher: a need given as a dict becomes a `NeedQuery`, the published structures
become `Candidate`s. Reads only, a fixed number of queries whatever the number of structures.

Candidate set: every published structure. Beyond `PREFILTER_ABOVE` published structures (a large
directory, decided by a bounded count), the directory's index words (`search_tags`) keep the structures
sharing a top-level sector with the need and working in its place (or nationally), the `PRESCORE_CANDIDATES`
best by a cheap pre-score of sector, place and words (`directory.search.prescore`); the sector alone when
that leaves fewer than `MIN_PREFILTERED`. Reserved needs filter eligibility in SQL as well (the matcher
filters it again).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from essaim.directory import references
from essaim.directory.models import Activity, Structure
from essaim.directory.search import get_backend
from essaim.directory.search.columns import NATIONAL_TAG, tag
from essaim.directory.sector_mappings import SECTORS
from essaim.directory.selectors import published_more_than
from essaim.territory.models import Commune, Perimeter, PerimeterCommune

from .errors import MatchInputError
from .matching import (
    PLACE_INSIDE_VALUE,
    PLACE_LEVELS,
    PLACE_VALUES,
    RESERVATIONS,
    Candidate,
    CandidateActivity,
    NeedQuery,
    need_terms,
)

PREFILTER_ABOVE = 20_000
MIN_PREFILTERED = 50
PRESCORE_CANDIDATES = 200  # beyond PREFILTER_ABOVE, the ranker sees the best of the prefiltered by pre-score
NATIONAL_SCAN = 300  # structures working nationally only: pre-scored among the first 300
PARENT_OF: dict[str, str] = {sub: top for top, (_l, _k, subs) in SECTORS.items() for sub in subs}
LEVEL_OF_KIND = {"epci": "epci", "departement": "dep", "region": "reg", "commune": "commune"}
COMPLETENESS_FIELDS = (
    "description",
    "offers",
    "siret",
    "commune_id",
    "website",
    "email",
    "phone",
    "headcount",
    "revenue_band",
    "client_references",
)


@dataclass(frozen=True)
class MatchRequest:
    need: NeedQuery
    top_sectors: frozenset[str]


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MatchInputError(f"« {key} » doit être une liste de chaînes.", field=key)
    return value


def _place(
    commune: str | None, perimeter: str | None
) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    if commune and perimeter:
        raise MatchInputError("Indiquez soit « commune », soit « perimeter », pas les deux.", field="commune")
    if commune:
        commune_name = Commune.objects.filter(pk=commune).values_list("name", flat=True).first()
        if commune_name is None:
            raise MatchInputError(f"Commune inconnue : {commune}.", field="commune")
        place = {"commune": commune}
        names = {commune: commune_name}
        sizes = (
            PerimeterCommune.objects.filter(perimeter_id=OuterRef("pk"))
            .order_by()
            .values("perimeter_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        containing = (
            Perimeter.objects.filter(
                id__in=PerimeterCommune.objects.filter(commune_id=commune).values("perimeter_id")
            )
            .exclude(kind__in=["commune", "national"])
            .annotate(size=Subquery(sizes))
            .order_by("size", "code")
            .values_list("code", "kind", "name")
        )
        for code, kind, name in containing:
            place.setdefault(LEVEL_OF_KIND[kind], code)  # the narrowest perimeter of each level
            names[code] = name
        return place, frozenset(), names
    if perimeter:
        if perimeter == "national":
            return {}, frozenset(), {}
        found = Perimeter.objects.filter(code=perimeter).values_list("kind", "name").first()
        if found is None:
            raise MatchInputError(f"Périmètre inconnu : {perimeter}.", field="perimeter")
        kind, name = found
        own_level = LEVEL_OF_KIND[kind]
        place = {own_level: perimeter}
        names = {perimeter: name}
        inside = PerimeterCommune.objects.filter(perimeter__code=perimeter).values("commune_id")
        size = PerimeterCommune.objects.filter(perimeter__code=perimeter).count()
        overlapping = (
            PerimeterCommune.objects.filter(commune_id__in=inside)
            .exclude(perimeter__kind="national")
            .values("perimeter__code", "perimeter__kind", "perimeter__name")
            .annotate(shared=Count("commune_id"))
            .order_by("perimeter__code")
        )
        place_inside = set()
        for row in overlapping:
            code, level = row["perimeter__code"], LEVEL_OF_KIND[row["perimeter__kind"]]
            names.setdefault(code, row["perimeter__name"])
            contains_all = row["shared"] >= size
            if (
                code != perimeter
                and contains_all
                and PLACE_LEVELS.index(level) > PLACE_LEVELS.index(own_level)
            ):
                place.setdefault(level, code)
            elif code != perimeter:
                place_inside.add(code)
        return place, frozenset(place_inside), names
    return {}, frozenset(), {}


def need_from_dict(data: Any) -> MatchRequest:
    """The need as the `match` command reads it; unknown sectors, places or reservations raise."""
    if not isinstance(data, dict):
        raise MatchInputError("Le besoin doit être un objet JSON.")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise MatchInputError("« title » est obligatoire.", field="title")
    description = data.get("description") or ""
    if not isinstance(description, str):
        raise MatchInputError("« description » doit être une chaîne.", field="description")
    sectors: dict[str, set[str]] = defaultdict(set)
    for slug in _strings(data, "sectors"):
        if slug in SECTORS:
            sectors.setdefault(slug, set())
        elif slug in PARENT_OF:
            sectors[PARENT_OF[slug]].add(slug)
        else:
            raise MatchInputError(f"Secteur inconnu : {slug}.", field="sectors")
    service_types = _strings(data, "service_types")
    unknown = sorted(set(service_types) - set(references.SERVICE_TYPES))
    if unknown:
        raise MatchInputError(f"Type de prestation inconnu : {', '.join(unknown)}.", field="service_types")
    reserved = data.get("reserved")
    if reserved is not None and reserved not in RESERVATIONS:
        raise MatchInputError(
            f"Réservation inconnue : {reserved} (attendu : null, {', '.join(RESERVATIONS)}).",
            field="reserved",
        )
    amount = data.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0):
        raise MatchInputError("« amount » doit être un montant positif en euros.", field="amount")
    for key in ("commune", "perimeter"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise MatchInputError(f"« {key} » doit être un code (chaîne).", field=key)
    place, inside, names = _place(data.get("commune"), data.get("perimeter"))
    need = NeedQuery(
        title=title,
        description=description,
        sectors={top: frozenset(subs) for top, subs in sectors.items()},
        service_types=frozenset(service_types),
        place=place,
        place_inside=inside,
        place_names=names,
        reserved=reserved,
        amount=float(amount) if amount is not None else None,
    )
    return MatchRequest(need=need, top_sectors=frozenset(sectors))


def _completeness(row: dict[str, Any], has_place: bool) -> float:
    return completeness(row, has_place)[0]


def completeness(row: Mapping[str, Any], has_place: bool) -> tuple[float, list[str]]:
    """The share of a structure's profile filled in (a component of the ranking) and the fields left
    empty, by name (`COMPLETENESS_FIELDS`, then "place" when it names no place of work)."""
    missing = [name for name in COMPLETENESS_FIELDS if row[name] in ("", None)]
    if not has_place:
        missing.append("place")
    return 1 - len(missing) / (len(COMPLETENESS_FIELDS) + 1), missing


def _reserved_q(reserved: str | None) -> Q:
    if reserved == "L2113-12":
        return Q(eligible_l2113_12=True)
    if reserved == "L2113-13":
        return Q(eligible_l2113_13=True)
    if reserved == "L2113-14":
        return Q(eligible_l2113_12=True) | Q(eligible_l2113_13=True)
    if reserved == "L2113-15":
        return Q(eligible_l2113_15=True)
    return Q()


def _place_tags(request: MatchRequest) -> dict[str, list[str]]:
    """Index tags (`directory.search.columns`) of the structures working in each part of the need's place.

    Keys: `commune`, `epci`, `dep`, `reg` (the level's perimeter, the commune also when located there),
    `inside` (part of a perimeter need: a perimeter inside or overlapping it, or located in it) and
    `national`. The same structures as the `perimeters` of a `Candidate` would show.
    """
    need = request.need
    codes = set(need.place.values()) | set(need.place_inside)
    ids = dict(Perimeter.objects.filter(code__in=codes).values_list("code", "id"))
    tags: dict[str, list[str]] = {}
    for level, code in need.place.items():
        tags[level] = [tag("w", ids[code])] if code in ids else []
        if level == "commune":
            tags[level].append(tag("c", code))
    inside = [tag("w", ids[code]) for code in sorted(need.place_inside) if code in ids]
    inside += [tag("c", code) for code in sorted(need.place_inside) if ":" not in code]
    tags["inside"] = inside
    tags["national"] = [NATIONAL_TAG]
    return tags


def _sector_tags(request: MatchRequest) -> list[tuple[list[str], list[str]]]:
    """Per sector of the need: (tags of an exact fit, tags of the right top-level sector only)."""
    groups = []
    for top in sorted(request.need.sectors):
        subs = sorted(request.need.sectors[top])
        groups.append(([tag("s", s) for s in subs], [tag("s", top)]) if subs else ([tag("s", top)], []))
    return groups


def _prescore_terms(request: MatchRequest) -> dict[str, float]:
    """The need's analysed words with their weight (title words count twice), as the ranker reads them."""
    weights, _surface = need_terms(request.need)
    return {term: float(weight) for term, weight in weights.items()}


def _prefiltered_ids(request: MatchRequest, place: bool) -> list[int]:
    """Ids of the published structures of the need's top-level sectors (working in its place when `place`),
    the `PRESCORE_CANDIDATES` best by a cheap pre-score (35 × sector + 20 × place + 25 × share of the need's
    words in the description: the three main components of the ranker, from the index tags) computed by
    the database (PostgreSQL) or from the index words (SQLite).

    With a place, the structures working in it (its commune and the perimeters of the need) are all
    pre-scored; those working nationally only (place 0.25, thousands in a large directory) are pre-scored
    among the first `NATIONAL_SCAN` of them.
    """
    backend = get_backend()
    sector_clause = [tag("s", top) for top in sorted(request.top_sectors)]
    place_tags = _place_tags(request) if place else {}
    reserved = {
        "L2113-12": ["eligible_l2113_12"],
        "L2113-13": ["eligible_l2113_13"],
        "L2113-14": ["eligible_l2113_12", "eligible_l2113_13"],
        "L2113-15": ["eligible_l2113_15"],
    }.get(request.need.reserved or "", [])
    arguments: dict[str, Any] = {
        "eligible_any": reserved,
        "sectors": _sector_tags(request),
        "places": _place_levels(place_tags) if place else [],
        "terms": _prescore_terms(request),
        "limit": PRESCORE_CANDIDATES,
    }
    if not place:
        return [
            pk for pk, _score in backend.prescored_ids(backend.expression([], [sector_clause]), **arguments)
        ]
    local = sorted({t for key, group in place_tags.items() if key != "national" for t in group})
    scored = (
        backend.prescored_ids(backend.expression([], [sector_clause, local]), **arguments) if local else []
    )
    # Nationally: the exact sector fits first (second-level sectors the need names), they score highest.
    exact = sorted({t for fits, _top in arguments["sectors"] for t in fits})
    national = backend.expression([], [exact or sector_clause, [NATIONAL_TAG]], exclude=local)
    scored += backend.prescored_ids(national, scan=NATIONAL_SCAN, **arguments)
    scored.sort(key=lambda r: (-r[1], r[0]))
    return [pk for pk, _score in scored[:PRESCORE_CANDIDATES]]


def _place_levels(tags: dict[str, list[str]]) -> list[tuple[float, list[str]]]:
    """(value, tags) from the best place fit down, in the order `matching._place` tries them."""
    levels = [(PLACE_VALUES[level], tags[level]) for level in PLACE_LEVELS if tags.get(level)]
    levels.append((PLACE_INSIDE_VALUE, tags.get("inside", [])))
    levels.append((PLACE_VALUES["national"], tags.get("national", [])))
    return sorted((lv for lv in levels if lv[1]), key=lambda lv: -lv[0])


def candidate_queryset(request: MatchRequest, *, prefilter: bool | None = None) -> QuerySet[Structure]:
    """The published structures to rank, narrowed for a large directory (see the module doc)."""
    qs = Structure.objects.published().filter(_reserved_q(request.need.reserved))
    if prefilter is None:
        prefilter = published_more_than(PREFILTER_ABOVE)
    if not prefilter or not request.top_sectors:
        return qs
    has_place = bool(request.need.place or request.need.place_inside)
    ids = _prefiltered_ids(request, place=has_place)
    if has_place and len(ids) < MIN_PREFILTERED:
        ids = _prefiltered_ids(request, place=False)
    return qs.filter(id__in=ids)


def candidates_from_db(
    queryset: QuerySet[Structure] | None = None,
    *,
    responses: Mapping[int, tuple[int, int]] | None = None,
) -> list[Candidate]:
    """Candidates for the matcher from published structures: three queries, whatever their number.

    `responses` maps a structure id to (needs answered, needs it was told about), when known.
    """
    qs = Structure.objects.published() if queryset is None else queryset
    rows = list(
        qs.order_by("id").values(
            "id", "name", "eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15", "search_body",
            *COMPLETENESS_FIELDS,
        )
    )  # fmt: skip
    ids = [row["id"] for row in rows]
    id_filter = Q(structure_id__in=qs.values("id")) if len(ids) > 1000 else Q(structure_id__in=ids)
    activities: dict[int, list[CandidateActivity]] = defaultdict(list)
    national: set[int] = set()
    for structure_id, slug, parent_slug, service_types, is_national in Activity.objects.filter(
        id_filter
    ).values_list("structure_id", "sector__slug", "sector__parent__slug", "service_types", "is_national"):
        top, sub = (parent_slug, slug) if parent_slug else (slug, "")
        activities[structure_id].append(CandidateActivity(top, sub, frozenset(service_types or ())))
        if is_national:
            national.add(structure_id)
    perimeters: dict[int, set[str]] = defaultdict(set)
    through = Activity.perimeters.through.objects.filter(
        Q(activity__structure_id__in=qs.values("id"))
        if len(ids) > 1000
        else Q(activity__structure_id__in=ids)
    )
    for structure_id, code in through.values_list("activity__structure_id", "perimeter__code"):
        perimeters[structure_id].add(code)
    responses = responses or {}
    candidates = []
    for row in rows:
        pk = row["id"]
        works_in = perimeters.get(pk, set())
        if row["commune_id"]:
            works_in = works_in | {row["commune_id"]}
        answered, asked = responses.get(pk, (0, 0))
        candidates.append(
            Candidate(
                id=pk,
                name=row["name"],
                activities=tuple(activities.get(pk, ())),
                perimeters=frozenset(works_in),
                national=pk in national,
                eligible_l2113_12=row["eligible_l2113_12"],
                eligible_l2113_13=row["eligible_l2113_13"],
                eligible_l2113_15=row["eligible_l2113_15"],
                terms=Counter(row["search_body"].split()),
                completeness=_completeness(row, bool(works_in) or pk in national),
                answered=answered,
                asked=asked,
            )
        )
    return candidates

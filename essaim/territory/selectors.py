"""Reads over the territory reference data. Each function runs a fixed, small number of queries."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from essaim.core.home import KeyFigure
from essaim.territory.errors import PerimeterNotFoundError, UnknownPerimeterError

from .codes import NATIONAL, parse_perimeter_code, search_key
from .models import Commune, Perimeter, PerimeterCommune

__all__ = [
    "PerimeterNotFoundError",
    "UnknownPerimeterError",
    "commune_in_perimeter",
    "commune_search",
    "communes_of_perimeter",
    "parse_perimeter_code",
    "perimeter_children",
    "perimeter_get",
    "perimeter_parents",
    "perimeter_search",
    "perimeters_containing",
    "reference_cached",
]

SEARCH_LIMIT_MAX = 50

# Values computed from the reference data only (the directory's place choices) are cached under a key that
# holds a version number; `territory_load` bumps the version when it changes something, so every instance
# sharing the cache (Redis) recomputes at once. A lost version restarts from the clock, never from an old
# number. The timeout bounds how long a process-local cache (no REDIS_URL) may serve values from before a
# reload run by another process.
REFERENCE_CACHE_TIMEOUT = 60 * 60
REFERENCE_VERSION_KEY = "territory:reference-version"
T = TypeVar("T")
_CODE_PREFIX = re.compile(r"\d{2,5}|2[AB]\d{0,3}")  # the start of a département or INSEE commune code

# Narrowest first: a commune, then its EPCI/EPT, département, région, France.
_RANK = Case(
    *(When(kind=kind, then=Value(rank)) for kind, rank in Perimeter.KIND_RANK.items()),
    output_field=IntegerField(),
)


def perimeters_containing(commune_code: str) -> QuerySet[Perimeter]:
    """Every perimeter the commune belongs to, narrowest first (one query when evaluated).

    For a municipal arrondissement ("75112") this includes its city ("75056") and the city's groupings.
    """
    return (
        Perimeter.objects.filter(memberships__commune_id=commune_code.strip().upper())
        .alias(kind_rank=_RANK)
        .order_by("kind_rank", "population", "code")
    )


def commune_in_perimeter(commune_code: str, perimeter_code: str) -> bool:
    """Whether the commune lies inside the perimeter (one query). Raises `UnknownPerimeterError` if malformed."""
    code = parse_perimeter_code(perimeter_code)
    return PerimeterCommune.objects.filter(
        commune_id=commune_code.strip().upper(), perimeter__code=code
    ).exists()


def perimeter_get(text: str) -> Perimeter:
    """The perimeter named by `text` (any accepted spelling), or `UnknownPerimeterError` / `PerimeterNotFoundError`."""
    code = parse_perimeter_code(text)
    perimeter = Perimeter.objects.filter(code=code).first()
    if perimeter is None:
        raise PerimeterNotFoundError(f"Aucun périmètre ne correspond au code « {code} ».")
    return perimeter


def communes_of_perimeter(code: str, *, include_arrondissements: bool = False) -> QuerySet[Commune]:
    """The communes inside a perimeter, by name in French order (accents, case and punctuation ignored: the
    stored `search_name`), in one query when evaluated.

    Municipal arrondissements are left out unless asked for, so that populations add up: Paris is listed
    once, not once plus twenty times.
    """
    queryset = Commune.objects.filter(perimeter_memberships__perimeter__code=parse_perimeter_code(code))
    if not include_arrondissements:
        queryset = queryset.filter(is_arrondissement=False)
    return queryset.order_by("search_name", "name", "code")  # French order: Châtenay before Choisy


@dataclass(frozen=True)
class PerimeterParent:
    perimeter: Perimeter
    contains: bool  # True: every commune of the child lies inside; False: the two only overlap


def perimeter_parents(perimeter: Perimeter) -> list[PerimeterParent]:
    """Perimeters of the same or a wider kind sharing communes with `perimeter`: those containing it
    (every commune inside), then, among wider kinds only, those it straddles. Narrowest first; 3 queries.

    Grand-Orly Seine Bièvre: contained in the Métropole du Grand Paris, Île-de-France and France entière;
    straddles Essonne and Val-de-Marne.
    """
    if perimeter.code == NATIONAL:
        return []
    wider = [kind for kind, rank in Perimeter.KIND_RANK.items() if rank >= perimeter.rank]
    own = PerimeterCommune.objects.filter(perimeter_id=perimeter.pk)
    size = own.count()
    shared = dict(
        PerimeterCommune.objects.filter(commune_id__in=own.values("commune_id"), perimeter__kind__in=wider)
        .exclude(perimeter_id=perimeter.pk)
        .values("perimeter_id")
        .annotate(shared=Count("id"))
        .values_list("perimeter_id", "shared")
    )
    parents = [
        PerimeterParent(other, contains=shared[other.pk] == size)
        for other in Perimeter.objects.filter(pk__in=shared.keys())
        if shared[other.pk] == size or other.rank > perimeter.rank
    ]
    parents.sort(key=lambda p: (not p.contains, p.perimeter.rank, p.perimeter.name))
    return parents


_CHILD_KIND = {
    Perimeter.Kind.NATIONAL: Perimeter.Kind.REGION,
    Perimeter.Kind.REGION: Perimeter.Kind.DEPARTEMENT,
    Perimeter.Kind.DEPARTEMENT: Perimeter.Kind.EPCI,
}


def perimeter_children(perimeter: Perimeter) -> list[Perimeter]:
    """The groupings one level down that share communes with `perimeter`, by name: the régions of France, the
    départements of a région, the EPCI and EPT of a département (some straddle two). One query."""
    child_kind = _CHILD_KIND.get(Perimeter.Kind(perimeter.kind))
    if child_kind is None:
        return []
    queryset = Perimeter.objects.filter(kind=child_kind)
    if perimeter.code != NATIONAL:
        own = PerimeterCommune.objects.filter(perimeter_id=perimeter.pk).values("commune_id")
        queryset = queryset.filter(
            pk__in=PerimeterCommune.objects.filter(commune_id__in=own, perimeter__kind=child_kind).values(
                "perimeter_id"
            )
        )
    return list(queryset.order_by("search_name", "name"))


def commune_search(q: str, limit: int = 20) -> list[Commune]:
    """Communes (arrondissements included) whose name starts with `q`, accents and case ignored, or whose
    INSEE code or postal code starts with `q`; the most populated first."""
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    key = search_key(q)
    if not key:  # nothing to match on: the most populated communes, as before
        return list(Commune.objects.filter(is_arrondissement=False).order_by("-population", "name")[:limit])
    raw = q.strip().upper()
    condition = Q(search_name__startswith=key) | Q(search_name__contains=f" {key}")
    if raw.isalnum() and any(ch.isdigit() for ch in raw):
        condition = Q(code__startswith=raw) | Q(postal_codes__icontains=f'"{raw}')
    queryset = (
        Commune.objects.filter(condition)
        .alias(prefix=Case(When(search_name__startswith=key, then=Value(0)), default=Value(1)))
        .order_by("prefix", "-population", "name")
    )
    return list(queryset[:limit])


def perimeter_search(q: str, limit: int = 10, *, kinds: list[str] | None = None) -> list[Perimeter]:
    """Perimeters for an autocomplete: name prefix (accents and case ignored) or word prefix, or code.

    Exact prefixes come first, then groupings before communes, then the most populated. One query.
    """
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    key = search_key(q)
    if not key:
        return []
    condition = Q(search_name__startswith=key) | Q(search_name__contains=f" {key}")
    try:
        condition |= Q(code=parse_perimeter_code(q))
    except UnknownPerimeterError:
        pass
    digits = q.strip().upper()
    if _CODE_PREFIX.fullmatch(digits):
        condition |= Q(code=f"dep:{digits}") | Q(kind=Perimeter.Kind.COMMUNE, code__startswith=digits)
    queryset = Perimeter.objects.filter(condition)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    ordered = queryset.alias(
        prefix=Case(When(search_name__startswith=key, then=Value(0)), default=Value(1)),
        kind_rank=_RANK,
        name_length=Length("search_name"),
    ).order_by("prefix", "-kind_rank", "-population", "name_length", "code")
    return list(ordered[:limit])


def reference_cached(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, cached until the reference data is reloaded (`territory_load`). `name` must say what
    the value depends on besides the reference data (a setting, a kind): it is part of the key."""
    version = cache.get_or_set(REFERENCE_VERSION_KEY, time.time_ns, timeout=None)
    return cast(T, cache.get_or_set(f"territory:{version}:{name}", compute, timeout=REFERENCE_CACHE_TIMEOUT))


def home_figures() -> list[KeyFigure]:
    """The territory's key figure of the home page: its communes (registered in `TerritoryConfig.ready`)."""
    perimeter = Perimeter.objects.filter(code=settings.ESSAIM_BRAND["territory_perimeter"]).first()
    if perimeter is None:
        return []
    return [KeyFigure(perimeter.communes.count(), f"communes du territoire {perimeter.name}")]

"""Reads over the territory reference data. Each function runs a fixed, small number of queries."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length, Replace

from essaim.core.french import lowercase_start
from essaim.core.home import KeyFigure
from essaim.territory.errors import (
    AmbiguousPlaceError,
    PerimeterNotFoundError,
    PlaceNotFoundError,
    UnknownPerimeterError,
    WrongPlaceKindError,
)

from .codes import (
    NATIONAL,
    departement_code,
    french_sort_key,
    is_perimeter_code,
    parse_perimeter_code,
    search_key,
)
from .models import Commune, Perimeter, PerimeterCommune

__all__ = [
    "AmbiguousPlaceError",
    "PlaceNotFoundError",
    "WrongPlaceKindError",
    "place_labels",
    "place_suggestions",
    "resolve_place",
    "resolve_places",
    "split_places",
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


# --- Places by name -------------------------------------------------------------------------------------------
# One resolver for every place field of the site (`essaim.territory.fields.PlaceField`): a code ("94081",
# "dep:94", "epci:200058014", "national"), a bare département number ("94"), a postal code, or a name typed by
# hand ("Vitry", "vitry sur seine", "Grand-Orly Seine Bièvre", "Val-de-Marne (94)"), accents, case and
# punctuation ignored. Names are matched in stages: the whole name, the name without spaces, then names
# starting with the words typed, then with the letters typed. A stage with one match wins; with several, the
# only commune of the platform's territory among them wins (except for the whole name: two communes called
# "Saint-Maur" stay ambiguous); otherwise the error lists the choices.

PLACE_CHOICES_MAX = 12
PLACE_EXACT_MAX = 50  # homonyms are all offered: "Sainte-Colombe" names twelve communes
_HINT = re.compile(r"^(?P<name>.+?)\s*\((?P<hint>[^()]+)\)\s*$")
_NATIONAL_NAMES = {"france", "france entiere", "toute la france", "national", "nationale", "partout"}
_KIND_WORDS = {
    "commune": Perimeter.Kind.COMMUNE,
    "departement": Perimeter.Kind.DEPARTEMENT,
    "region": Perimeter.Kind.REGION,
    "epci": Perimeter.Kind.EPCI,
    "ept": Perimeter.Kind.EPCI,
    "epci ept": Perimeter.Kind.EPCI,
}
_KIND_NAMES = {
    Perimeter.Kind.COMMUNE: "une commune",
    Perimeter.Kind.EPCI: "un EPCI ou un EPT",
    Perimeter.Kind.DEPARTEMENT: "un département",
    Perimeter.Kind.REGION: "une région",
    Perimeter.Kind.NATIONAL: "la France entière",
}


def split_places(text: str) -> list[str]:
    """The places of a text: separated by commas or semicolons; codes may also be separated by spaces
    ("dep:94 epci:200058014 94081", as the fields used to ask)."""
    places: list[str] = []
    for part in re.split(r"[,;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        tokens = part.split()
        if len(tokens) > 1 and all(is_perimeter_code(token) or ":" in token for token in tokens):
            places.extend(tokens)
        else:
            places.append(part)
    return list(dict.fromkeys(places))


def _kinds_text(kinds: Sequence[str]) -> str:
    names = [_KIND_NAMES[Perimeter.Kind(kind)] for kind in kinds]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


def place_choice_labels(perimeters: Sequence[Perimeter]) -> list[str]:
    """The labels that tell `perimeters` apart, each of which the resolver reads back to its place:
    "Paris (75)" and "Paris (département)"; two homonyms of one département by INSEE code."""
    labels = [p.label for p in perimeters]
    duplicated = {label for label in labels if labels.count(label) > 1}
    out = []
    for perimeter, label in zip(perimeters, labels, strict=True):
        if label in duplicated and perimeter.kind == Perimeter.Kind.COMMUNE:
            label = f"{perimeter.name} ({perimeter.code})"
        elif label in duplicated:
            label = f"{perimeter.name} ({lowercase_start(Perimeter.Kind(perimeter.kind).label)})"
        out.append(label)
    return out


def _french_order(perimeters: Sequence[Perimeter]) -> list[Perimeter]:
    """Groupings first (widest first), then communes, each in French alphabetical order."""
    return sorted(perimeters, key=lambda p: (-p.rank, french_sort_key(p.name), p.code))


def _ambiguous(raw: str, choices: Sequence[Perimeter], more: bool) -> AmbiguousPlaceError:
    ordered = _french_order(choices)
    labels = place_choice_labels(ordered)
    listed = ", ".join(f"« {label} »" for label in labels)
    tail = " (et d'autres : écrivez le nom en entier)" if more else ""
    return AmbiguousPlaceError(
        f"« {raw} » désigne plusieurs lieux : {listed}{tail}. Écrivez celui que vous voulez, "
        f"par exemple « {labels[0]} ».",
        choices=ordered,
    )


def _by_code(raw: str) -> Perimeter | None:
    """The place written as a code, or None when `raw` is not a code; PlaceNotFoundError for an unknown one."""
    departement = departement_code(raw)
    if departement is not None:
        code = f"dep:{departement}"
    elif is_perimeter_code(raw) or ":" in raw:  # no place name has a colon: a malformed code says so
        code = parse_perimeter_code(raw)
    elif raw.isdigit():
        raise PlaceNotFoundError(f"Aucun lieu ne correspond au nombre « {raw} » : écrivez le nom du lieu.")
    else:
        return None
    perimeter = Perimeter.objects.filter(code=code).first()
    if perimeter is None and code.isdigit():  # a postal code rather than an INSEE code: "94400"
        communes = list(
            Perimeter.objects.filter(
                kind=Perimeter.Kind.COMMUNE,
                code__in=Commune.objects.filter(
                    postal_codes__icontains=f'"{code}"', is_arrondissement=False
                ).values("code")[:PLACE_EXACT_MAX],
            )
        )
        if len(communes) == 1:
            return communes[0]
        if communes:
            raise _ambiguous(raw, communes, more=False)
    if perimeter is None:
        raise PlaceNotFoundError(f"Aucun lieu ne correspond au code « {raw} ».")
    return perimeter


def _hint_filter(hint: str) -> tuple[Q, Q | None] | None:
    """What a parenthesised hint narrows to: (filter, preferred subset) or None when it is no hint."""
    value = hint.strip().upper()
    if is_perimeter_code(value) and value.isalnum() and len(value) == 5:
        return Q(code=value), None
    departement = departement_code(value)
    if departement is not None:
        communes = Q(kind=Perimeter.Kind.COMMUNE, code__startswith=departement)
        if len(departement) == 2 and departement[0] == "9" and departement[1] in "78":
            communes &= ~Q(code__regex=r"^9[78]\d")
        return communes | Q(code=f"dep:{departement}"), communes
    kind = _KIND_WORDS.get(search_key(hint))
    if kind is None and search_key(hint) == "france entiere":
        kind = Perimeter.Kind.NATIONAL
    return (Q(kind=kind), None) if kind else None


def _territory_communes() -> QuerySet[PerimeterCommune]:
    return PerimeterCommune.objects.filter(
        perimeter__code=settings.ESSAIM_BRAND.get("territory_perimeter", "")
    )


def _by_name(raw: str, base: QuerySet[Perimeter]) -> Perimeter | None:
    """The place named `raw` among `base`, None when none; AmbiguousPlaceError when several."""
    key = search_key(raw)
    if not key:
        return None
    if key in _NATIONAL_NAMES:
        return base.filter(code=NATIONAL).first()
    stages: list[tuple[bool, QuerySet[Perimeter]]] = [(True, base.filter(search_name=key))]
    match = _HINT.match(raw)
    hint = _hint_filter(match["hint"]) if match else None
    if match and hint:
        narrowed = base.filter(hint[0], search_name=search_key(match["name"]))
        if hint[1] is not None and narrowed.filter(hint[1]).exists():
            narrowed = narrowed.filter(hint[1])
        stages.append((True, narrowed))
    compact = key.replace(" ", "")
    stages += [
        (True, base.alias(compact=Replace("search_name", Value(" "), Value(""))).filter(compact=compact)),
        (False, base.filter(search_name__startswith=f"{key} ")),
        (False, base.filter(search_name__startswith=key)),
    ]
    for exact, queryset in stages:
        limit = PLACE_EXACT_MAX if exact else PLACE_CHOICES_MAX
        found = list(queryset.order_by("-population", "code")[: limit + 1])
        if not found:
            continue
        if len(found) == 1:
            return found[0]
        if not exact:
            local = list(
                queryset.filter(
                    kind=Perimeter.Kind.COMMUNE, code__in=_territory_communes().values("commune_id")
                )[: PLACE_CHOICES_MAX + 1]
            )
            if len(local) == 1:
                return local[0]
            if len(local) > 1:
                found = local
        raise _ambiguous(raw, found[:limit], more=len(found) > limit)
    return None


def resolve_place(text: str, *, kinds: Sequence[str] | None = None) -> Perimeter:
    """The one place `text` names (a code or a name, see above), of one of `kinds` when given.

    Raises `PlaceNotFoundError`, `AmbiguousPlaceError` (with its `choices`) or `WrongPlaceKindError`, all with
    a French message that quotes what was typed. A few indexed queries; one scan of the names when the name
    was typed without its spaces or hyphens.
    """
    raw = " ".join((text or "").split())
    if not raw:
        raise PlaceNotFoundError(
            "Indiquez un lieu : une commune, un EPT ou EPCI, un département ou une région."
        )
    base = Perimeter.objects.filter(kind__in=kinds) if kinds else Perimeter.objects.all()
    perimeter = _by_code(raw)
    if perimeter is None:
        perimeter = _by_name(raw, base)
        if perimeter is None and kinds:
            other = _by_name(raw, Perimeter.objects.all())
            if other is not None:
                perimeter = other
    if perimeter is None:
        raise PlaceNotFoundError(
            f"Aucun lieu ne s'appelle « {raw} ». Vérifiez l'orthographe ou écrivez le début du nom "
            "(« Vitry », « Grand-Orly », « Val-de-Marne »)."
        )
    if kinds and perimeter.kind not in kinds:
        raise WrongPlaceKindError(
            f"« {perimeter.label} » est {_KIND_NAMES[Perimeter.Kind(perimeter.kind)]} : indiquez ici "
            f"{_kinds_text(kinds)}."
        )
    return perimeter


def resolve_places(text: str, *, kinds: Sequence[str] | None = None) -> list[Perimeter]:
    """Every place of `text` (comma-separated names or codes), in the order typed, without repeats.

    Each place that cannot be resolved is reported: the error's `errors` list one message per place.
    """
    found: list[Perimeter] = []
    problems: list[tuple[str | None, str]] = []
    choices: list[Perimeter] = []
    for part in split_places(text):
        try:
            perimeter = resolve_place(part, kinds=kinds)
        except AmbiguousPlaceError as error:
            problems.append((None, error.message))
            choices += error.choices
        except UnknownPerimeterError as error:
            problems.append((None, error.message))
        else:
            if perimeter not in found:
                found.append(perimeter)
    if problems:
        if choices:
            raise AmbiguousPlaceError(errors=problems, choices=choices)
        raise PlaceNotFoundError(errors=problems)
    return found


def place_labels(codes: Sequence[str]) -> dict[str, str]:
    """Label of each known code ("94081" → "Vitry-sur-Seine (94)"), in one query."""
    canonical = {}
    for code in codes:
        try:
            canonical[code] = parse_perimeter_code(code)
        except UnknownPerimeterError:
            continue
    labels = {p.code: p.label for p in Perimeter.objects.filter(code__in=set(canonical.values()))}
    return {code: labels[value] for code, value in canonical.items() if value in labels}


def place_suggestions(q: str, *, kinds: Sequence[str] | None = None, limit: int = 8) -> list[Perimeter]:
    """Suggestions of the place picker: the best matches of `perimeter_search`, shown groupings first,
    then communes in French alphabetical order."""
    return _french_order(perimeter_search(q, limit, kinds=list(kinds) if kinds else None))

"""API of the directory: search with filters, detail by id or SIRET, sectors, inclusion kinds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from essaim.core.errors import NotFoundError

from . import references
from .models import Structure
from .selectors import SORTS, SearchFilters, search_structures, sectors_tree, structure_profile

router = Router(tags=["annuaire"])


class StructureOut(Schema):
    id: int
    name: str
    siret: str
    commune: str | None
    ess_families: list[str]
    inclusion_kinds: list[str]
    reservations: list[str]
    sectors: list[str]
    is_ressourcerie: bool
    website: str
    score: float | None = None

    @staticmethod
    def resolve_commune(obj: Structure) -> str | None:
        return obj.commune_id

    @staticmethod
    def resolve_sectors(obj: Structure) -> list[str]:
        return [s.slug for s in obj.top_sectors]

    @staticmethod
    def resolve_score(obj: Structure) -> float | None:
        return getattr(obj, "score", None)


class SearchHitOut(StructureOut):
    words_matched: int | None = None  # query words this structure holds (out of `words_total`)

    @staticmethod
    def resolve_words_matched(obj: Structure) -> int | None:
        return getattr(obj, "words_matched", None)


class ActivityOut(Schema):
    sector: str
    service_types: list[str]
    perimeters: list[str]
    is_national: bool

    @staticmethod
    def resolve_sector(obj: Any) -> str:
        return obj.sector.slug

    @staticmethod
    def resolve_perimeters(obj: Any) -> list[str]:
        return [p.code for p in obj.perimeters.all()]


class StructureDetailOut(StructureOut):
    brand: str
    siren: str
    legal_form_code: str
    legal_form_label: str
    description: str
    offers: str
    email: str
    phone: str
    activities: list[ActivityOut]

    @staticmethod
    def resolve_activities(obj: Structure) -> list[Any]:
        return list(obj.activities.all())


class FacetOut(Schema):
    code: str
    label: str
    count: int


class SearchOut(Schema):
    total: int
    estimated: bool  # the total and the facet counts are estimates (very large sets)
    page: int
    page_size: int
    # "all": every word matched; "partial": no structure holds every word, those holding the most come
    # first (`words_matched` of each item); "names": no structure holds any word, names close to the query
    match: str
    message: str  # the same sentence the search page shows (French), empty when every word matched
    corrected: list[str]  # query words replaced by the closest words of the index (typing errors)
    absent: list[str]  # query words no structure holds
    words_total: int
    items: list[SearchHitOut]
    facets: dict[str, list[FacetOut]]


class SearchParams(Schema):
    q: str = ""
    sector: list[str] = []
    family: list[str] = []
    kind: list[str] = []
    reservation: list[str] = []
    works_in: str = ""
    located_in: str = ""
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


class CodeLabel(Schema):
    code: str
    label: str


class SectorOut(Schema):
    slug: str
    name: str
    children: list[CodeLabel]


@router.get("/", response=SearchOut, summary="Chercher des structures (texte, filtres, facettes, pages)")
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    filters = SearchFilters(
        sectors=tuple(params.sector),
        families=tuple(params.family),
        kinds=tuple(params.kind),
        reservations=tuple(params.reservation),
        works_in=params.works_in,
        located_in=params.located_in,
    )
    result = search_structures(
        params.q,
        filters,
        params.sort if params.sort in SORTS else "relevance",
        max(1, params.page),
        page_size=max(1, min(params.page_size, 100)),
    )
    return {
        "total": result.total,
        "estimated": result.estimated,
        "page": result.page,
        "page_size": result.page_size,
        "match": result.match,
        "message": result.message,
        "corrected": result.corrected,
        "absent": result.absent,
        "words_total": result.words_total,
        "items": result.hits,
        "facets": {name: [v.__dict__ for v in values] for name, values in result.facets.items()},
    }


def _published(pk: int) -> Structure:
    try:
        structure = structure_profile(pk)
    except Structure.DoesNotExist as exc:
        raise NotFoundError() from exc
    if structure.status != Structure.Status.PUBLISHED:
        raise NotFoundError()
    return structure


@router.get("/siret/{siret}", response=StructureDetailOut, summary="Une structure par son SIRET")
def by_siret(request: HttpRequest, siret: str) -> Any:
    structure = get_object_or_404(Structure.objects.published().only("id"), siret="".join(siret.split()))
    return _published(structure.pk)


@router.get("/sectors", response=list[SectorOut], summary="Les secteurs (deux niveaux)")
def sectors(request: HttpRequest) -> Any:
    return [
        {
            "slug": s.slug,
            "name": s.name,
            "children": [{"code": c.slug, "label": c.name} for c in s.children.all()],
        }
        for s in sectors_tree()
    ]


@router.get("/kinds", response=list[CodeLabel], summary="Les types de structures inclusives")
def kinds(request: HttpRequest) -> Any:
    return [{"code": code, "label": label} for code, label in references.INCLUSION_KINDS.items()]


@router.get("/{int:structure_id}", response=StructureDetailOut, summary="Une structure par son identifiant")
def detail(request: HttpRequest, structure_id: int) -> Any:
    return _published(structure_id)

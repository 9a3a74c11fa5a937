"""Public API over the territory reference data (open data, Licence Ouverte): no token needed."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from essaim.core.errors import NotFoundError

from .models import Commune, Perimeter
from .selectors import (
    SEARCH_LIMIT_MAX,
    commune_search,
    communes_of_perimeter,
    perimeter_get,
    perimeter_parents,
    perimeter_search,
    perimeters_containing,
)

router = Router(tags=["territoire"])

SearchText = Annotated[str, Query(min_length=1, max_length=100, description="début du nom, ou code")]
SearchLimit = Annotated[int, Query(ge=1, le=SEARCH_LIMIT_MAX, description="nombre de résultats")]
PerimeterKind = Literal["national", "region", "departement", "epci", "commune"]
COMMUNES_PAGE_MAX = 5000


class CommuneOut(Schema):
    code: str
    name: str
    departement_id: str
    region_id: str
    siren: str
    postal_codes: list[str]
    population: int | None
    is_arrondissement: bool
    parent_id: str | None = Field(None, description="commune de rattachement d'un arrondissement municipal")


class PerimeterOut(Schema):
    code: str
    kind: PerimeterKind
    name: str
    label: str
    population: int | None


class PerimeterCommuneOut(Schema):
    code: str
    name: str
    population: int | None
    is_arrondissement: bool


class PerimeterDetailOut(PerimeterOut):
    communes_count: int
    communes: list[PerimeterCommuneOut]
    parents: list[PerimeterOut]
    parents_containing: list[str] = Field(
        description="codes des périmètres qui contiennent tout ce périmètre"
    )


def _perimeter_out(perimeter: Perimeter) -> dict[str, object]:
    return {
        "code": perimeter.code,
        "kind": perimeter.kind,
        "name": perimeter.name,
        "label": perimeter.label,
        "population": perimeter.population,
    }


@router.get("/communes", response=list[CommuneOut], auth=None, summary="Chercher une commune")
def communes(request: HttpRequest, q: SearchText, limit: SearchLimit = 20) -> list[Commune]:
    """Communes et arrondissements municipaux dont le nom commence par `q` (accents et casse ignorés),
    ou dont le code INSEE ou un code postal commence par `q` ; les plus peuplées d'abord."""
    return commune_search(q, limit)


@router.get(
    "/communes/{code}/perimeters",
    response=list[PerimeterOut],
    auth=None,
    summary="Périmètres contenant une commune",
)
def commune_perimeters(request: HttpRequest, code: str) -> list[dict[str, object]]:
    """Du plus étroit au plus large : la commune, ses EPCI/EPT, son département, sa région, la France."""
    perimeters = [_perimeter_out(p) for p in perimeters_containing(code)]
    if not perimeters:
        raise NotFoundError(f"Aucune commune ne porte le code INSEE « {code} ».")
    return perimeters


@router.get("/perimeters", response=list[PerimeterOut], auth=None, summary="Chercher un périmètre")
def perimeters(
    request: HttpRequest,
    q: SearchText,
    limit: SearchLimit = 10,
    kind: Annotated[list[PerimeterKind] | None, Query(description="types de périmètres retenus")] = None,
) -> list[dict[str, object]]:
    """Pour l'autocomplétion : périmètres dont le nom (ou un mot du nom) commence par `q`, ou dont le code est
    `q` (« dep:94 », « epci:200058014 », « 94081 ») ; regroupements avant communes, puis par population."""
    return [_perimeter_out(p) for p in perimeter_search(q, limit, kinds=list(kind) if kind else None)]


@router.get("/perimeters/{code}", response=PerimeterDetailOut, auth=None, summary="Détail d'un périmètre")
def perimeter_detail(
    request: HttpRequest,
    code: str,
    limit: Annotated[int, Query(ge=1, le=COMMUNES_PAGE_MAX)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    arrondissements: bool = False,
) -> dict[str, object]:
    """Un périmètre, ses communes par ordre alphabétique (par pages : `limit`, `offset`) et les périmètres plus
    larges qui le contiennent ou le recoupent. `code` accepte « com:94081 » et « ept:… »."""
    perimeter = perimeter_get(code)
    communes = communes_of_perimeter(perimeter.code, include_arrondissements=arrondissements)
    parents = perimeter_parents(perimeter)
    return {
        **_perimeter_out(perimeter),
        "communes_count": communes.count(),
        "communes": list(
            communes.values("code", "name", "population", "is_arrondissement")[offset : offset + limit]
        ),
        "parents": [_perimeter_out(p.perimeter) for p in parents],
        "parents_containing": [p.perimeter.code for p in parents if p.contains],
    }

"""Public API over the territory reference data (open data, Licence Ouverte)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from .models import Commune

router = Router(tags=["territoire"])


class CommuneOut(Schema):
    code: str
    name: str
    departement_id: str
    siren: str
    population: int | None


@router.get("/communes", response=list[CommuneOut], auth=None, summary="Chercher une commune")
def communes(request: HttpRequest, q: str = "", limit: int = 20) -> list[Commune]:
    limit = max(1, min(limit, 100))
    queryset = Commune.objects.filter(is_arrondissement=False)
    if q:
        queryset = queryset.filter(name__icontains=q) | queryset.filter(code__startswith=q)
    return list(queryset.order_by("-population", "name")[:limit])

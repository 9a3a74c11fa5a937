"""API of cooperation: published support offers and public working groups, read by every token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import selectors
from .models import SupportOffer, WorkingGroup

support_router = Router(tags=["accompagnement"])
groups_router = Router(tags=["groupes de travail"])


class SupportOfferOut(Schema):
    id: int
    organisation: str
    title: str
    description: str
    audience: str
    topics: list[str]
    perimeter: str | None
    how_to_access: str
    contact_email: str
    contact_url: str


def _offer_out(offer: SupportOffer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "organisation": offer.organisation.name,
        "title": offer.title,
        "description": offer.description,
        "audience": offer.audience,
        "topics": [t for t in offer.topics.split(",") if t],
        "perimeter": offer.perimeter.code if offer.perimeter_id and offer.perimeter else None,
        "how_to_access": offer.how_to_access,
        "contact_email": offer.contact_email,
        "contact_url": offer.contact_url,
    }


@support_router.get("/", response=list[SupportOfferOut], summary="Les offres d'accompagnement publiées")
def support_offer_list(
    request: HttpRequest,
    audience: str = Query("", max_length=20, description="acheteurs, fournisseurs ou tous"),
    topic: str = Query("", max_length=30, description="un thème (sourcing, financement…)"),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Any:
    offers = selectors.support_offer_search(audience=audience.strip(), topic=topic.strip()).order_by(
        "title", "id"
    )
    return [_offer_out(offer) for offer in offers[offset : offset + limit]]


class WorkingGroupOut(Schema):
    id: int
    name: str
    purpose: str
    perimeter: str | None
    access: str
    member_count: int


@groups_router.get("/", response=list[WorkingGroupOut], summary="Les groupes de travail publics")
def working_group_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Any:
    groups: Any = selectors.group_list().filter(is_private=False).order_by("name", "id")
    return [
        {
            "id": group.pk,
            "name": group.name,
            "purpose": group.purpose,
            "perimeter": group.perimeter.code if group.perimeter_id and group.perimeter else None,
            "access": group.access,
            "member_count": group.member_count,
        }
        for group in groups[offset : offset + limit]
        if isinstance(group, WorkingGroup)
    ]

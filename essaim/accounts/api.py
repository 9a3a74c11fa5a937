"""API about the organisation a token acts for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    siret: str
    siren: str


@router.get("/me", response=OrganisationOut, summary="L'organisation du jeton")
def me(request: HttpRequest) -> Any:
    return request.api_organisation  # type: ignore[attr-defined]

"""The typed HTTP API (django-ninja): OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from essaim.accounts.services import api_token_authenticate
from essaim.core.errors import DomainError, NotFoundError, PermissionDeniedError, RateLimited

from .validation import french_errors


class OrganisationToken(HttpBearer):
    """`Authorization: Bearer ess_…`: a token created by an organisation's administrator."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        request.api_organisation = api_token.organisation  # type: ignore[attr-defined]
        return api_token


api = NinjaAPI(
    auth=[OrganisationToken()],
    title="Essaim API",
    version="1.0.0",
    description="API de la plateforme Essaim : annuaire de l'ESS, territoires, besoins et prévisions d'achat (lecture ; écriture avec un jeton qui en a le droit), indicateurs.",
    urls_namespace="api",
    docs_url="/docs",
)


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    return 400


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> Any:
    """`{"detail": "…", "errors": [{"field": "title", "message": "…"}, …]}`: every broken rule, in French."""
    errors = [{"field": field, "message": message} for field, message in exc.errors]
    return api.create_response(request, {"detail": exc.message, "errors": errors}, status=_status(exc))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> Any:
    """The request's shape is wrong: 422 with each field's problem in French (`validation.french_errors`)."""
    return api.create_response(
        request,
        {"detail": "Requête invalide : corrigez les champs indiqués.", "errors": french_errors(exc.errors)},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> Any:
    return api.create_response(request, {"detail": "Jeton d'API absent ou invalide."}, status=401)


api.add_router("/territory/", "essaim.territory.api.router")
api.add_router("/organisations/", "essaim.accounts.api.router")
api.add_router("/structures/", "essaim.directory.api.router")
api.add_router("/needs/", "essaim.sourcing.api.needs_router")
api.add_router("/forecasts/", "essaim.sourcing.api.forecasts_router")
api.add_router("/events/", "essaim.events.api.router")
api.add_router("/support-offers/", "essaim.cooperation.api.support_router")
api.add_router("/working-groups/", "essaim.cooperation.api.groups_router")

"""API of sourcing: needs and purchase forecasts, read by every token, written by buyers' tokens with the
`needs:write` / `forecasts:write` scope. Writes are idempotent by the sender's own reference
(`external_reference` of a need, `reference` of a forecast): the same call again changes nothing and answers
the same object (200 instead of 201). Every call counts against the token's rate limit
(`ESSAIM_RATE_LIMITS["api"]`, 429 past it). Errors: structured 4xx in French (see essaim/api/api.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status

from essaim.accounts.models import Organisation
from essaim.core.errors import NotFoundError, PermissionDeniedError
from essaim.core.links import absolute_url
from essaim.core.rate_limits import rate_limit_hit
from essaim.directory.models import Sector

from . import forecasts, selectors, services
from .errors import ForecastError, NeedError
from .models import Need, PurchaseForecast

needs_router = Router(tags=["besoins"])
forecasts_router = Router(tags=["prévisions d'achat"])

MAX_ID = 2**63 - 1
RATE_LIMITED = "Trop de requêtes pour ce jeton en une heure : réessayez plus tard."
NeedKind = Literal["sourcing", "devis", "appel-offres"]
AmountBand = Literal["", "lt-40k", "40k-90k", "90k-221k", "221k-1m", "gte-1m"]
ForecastBand = Literal["lt-40k", "40k-90k", "90k-221k", "221k-1m", "gte-1m"]
Procedure = Literal["sans-publicite", "mapa", "formalisee", "reserve", "autre"]


class FieldErrorOut(Schema):
    field: str | None = Field(None, description="le champ en cause (absent : la requête entière)")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] = []


ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _count(request: HttpRequest) -> Organisation:
    """One call of the token (rate limit) and the organisation it acts for."""
    rate_limit_hit(scope="api", key=f"token:{request.auth.pk}", message=RATE_LIMITED)  # type: ignore[attr-defined]
    return request.api_organisation  # type: ignore[attr-defined,no-any-return]


def _writer(request: HttpRequest, scope: str, what: str) -> Organisation:
    organisation = _count(request)
    if scope not in (request.auth.scopes or []):  # type: ignore[attr-defined]
        raise PermissionDeniedError(
            f"Ce jeton n'a pas le droit « {scope} » : demandez un jeton qui l'a "
            f"(essaim api_token --organisation SIRET --scopes {scope})."
        )
    if organisation.kind != Organisation.Kind.BUYER:
        raise PermissionDeniedError(f"Seul un acheteur public publie des {what}.")
    return organisation


# --- needs ------------------------------------------------------------------------------------------------


class NeedIn(Schema):
    external_reference: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="l'identifiant du besoin dans votre logiciel (idempotence)",
    )
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=10_000)
    deadline: date = Field(..., description="date limite de réponse (AAAA-MM-JJ)")
    questions_deadline: date | None = Field(None, description="plus de question après cette date")
    kind: NeedKind = "sourcing"
    sectors: list[str] = Field(
        default_factory=list, max_length=20, description="secteurs (slugs de /structures/sectors)"
    )
    service_types: list[str] = Field(default_factory=list, max_length=10)
    place_code: str = Field("", max_length=30, description="code de commune (94081) ou de périmètre")
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="€ HT")
    amount_band: AmountBand = ""
    duration_months: int = Field(12, ge=1, le=120)
    reserved: Literal["", "L2113-12", "L2113-13", "L2113-14", "L2113-15"] = ""
    start_date: date | None = None
    questions: list[str] = Field(
        default_factory=list, max_length=20, description="questions aux fournisseurs"
    )
    how_to_answer: str = Field("", max_length=3000)
    show_buyer_name: bool = True
    publish: bool = Field(False, description="publier (ou envoyer en validation) dès l'enregistrement")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "external_reference": "MARCHES-2027-014",
                    "title": "Achat de jouets de réemploi pour les crèches",
                    "description": "Jouets d'éveil de réemploi, nettoyés et contrôlés (EN 71), pour 12 crèches.",
                    "deadline": "2027-02-15",
                    "questions_deadline": "2027-02-05",
                    "kind": "sourcing",
                    "sectors": ["jouets"],
                    "service_types": ["fourniture"],
                    "place_code": "94081",
                    "amount": "50000",
                    "questions": ["Quel délai de livraison pour un premier lot ?"],
                    "publish": True,
                }
            ]
        }
    }


class AnsweredQuestionOut(Schema):
    question: str
    answer: str
    answered_at: datetime


class NeedOut(Schema):
    id: int
    url: str
    external_reference: str = Field(description="visible par l'acheteur du besoin seulement")
    buyer: str
    kind: str
    status: str
    title: str
    description: str
    sectors: list[str]
    service_types: list[str]
    place_code: str
    place_name: str
    amount: Decimal | None
    amount_band: str
    duration_months: int
    reserved: str
    deadline: date
    questions_deadline: date | None
    start_date: date | None
    questions: list[str]
    how_to_answer: str
    published_at: datetime | None
    answered_questions: list[AnsweredQuestionOut]


def _need_out(need: Need, organisation: Organisation) -> dict[str, Any]:
    return {
        "id": need.pk,
        "url": absolute_url(reverse("sourcing:need_detail", args=[need.pk])),
        "external_reference": need.external_reference if need.buyer_id == organisation.pk else "",
        "buyer": need.buyer_label,
        "kind": need.kind,
        "status": need.status,
        "title": need.title,
        "description": need.description,
        "sectors": [s.slug for s in need.sectors.all()],
        "service_types": need.service_types,
        "place_code": need.place_code,
        "place_name": need.place_name,
        "amount": need.amount,
        "amount_band": need.amount_band,
        "duration_months": need.duration_months,
        "reserved": need.reserved,
        "deadline": need.deadline,
        "questions_deadline": need.questions_deadline,
        "start_date": need.start_date,
        "questions": need.question_list,
        "how_to_answer": need.how_to_answer,
        "published_at": need.published_at,
        "answered_questions": [
            {"question": q.message, "answer": q.reply, "answered_at": q.replied_at}
            for q in selectors.published_questions(need)
        ],
    }


def _visible_needs(organisation: Organisation) -> QuerySet[Need]:
    """What a token reads: published and closed needs, and every need of its own organisation."""
    return selectors.need_queryset().filter(
        Q(status__in=[Need.Status.PUBLISHED, Need.Status.CLOSED]) | Q(buyer=organisation)
    )


def _need_data(payload: NeedIn) -> services.NeedData:
    """The service's input, or every problem at once (unknown sectors and place included)."""
    problems = []
    slugs = list(dict.fromkeys(s.strip() for s in payload.sectors if s.strip()))
    sectors = list(Sector.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {s.slug for s in sectors})
    if unknown:
        problems.append(("sectors", f"Secteur inconnu : {', '.join(unknown)}."))
    place_code = payload.place_code.strip()
    place_name = selectors.place_name(place_code)
    if place_code and place_name == place_code:
        problems.append(("place_code", f"Lieu inconnu : {place_code}."))
    if payload.amount is None and not payload.amount_band:
        problems.append(("amount", "Indiquez un montant estimé ou une tranche de montant."))
    data = services.NeedData(
        title=payload.title,
        description=payload.description,
        deadline=payload.deadline,
        questions_deadline=payload.questions_deadline,
        kind=payload.kind,
        sectors=sectors,
        service_types=list(dict.fromkeys(payload.service_types)),
        place_code=place_code,
        place_name=place_name if place_code else "",
        amount=payload.amount,
        amount_band=payload.amount_band,
        duration_months=payload.duration_months,
        reserved=payload.reserved,
        start_date=payload.start_date,
        questions="\n".join(q.strip() for q in payload.questions if q.strip()),
        how_to_answer=payload.how_to_answer,
        show_buyer_name=payload.show_buyer_name,
    )
    problems += services.need_problems(data)
    if problems:
        raise NeedError(errors=problems)
    return data


@needs_router.get("/", response={200: list[NeedOut], **ERRORS}, summary="Les besoins publiés (et les vôtres)")
def need_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Any:
    organisation = _count(request)
    needs = _visible_needs(organisation).order_by("-published_at", "-id")[offset : offset + limit]
    return [_need_out(need, organisation) for need in needs]


@needs_router.get("/{need_id}", response={200: NeedOut, **ERRORS}, summary="Un besoin")
def need_detail(request: HttpRequest, need_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    organisation = _count(request)
    need = _visible_needs(organisation).filter(pk=need_id).first()
    if need is None:
        raise NotFoundError("Ce besoin n'existe pas ou n'est pas publié.")
    return _need_out(need, organisation)


@needs_router.post(
    "/",
    response={200: NeedOut, 201: NeedOut, **ERRORS},
    summary="Créer ou mettre à jour un besoin (idempotent par external_reference)",
    description=(
        "Droit `needs:write`. Crée le besoin de votre organisation (201) ; avec la même `external_reference`, "
        "un appel identique ne change rien et renvoie le même besoin (200), un appel différent le met à jour "
        "(200). `publish` le publie (ou l'envoie en validation)."
    ),
)
def need_put(request: HttpRequest, payload: NeedIn) -> Any:
    organisation = _writer(request, "needs:write", "besoins")
    need, outcome = services.need_put(
        actor=None,
        buyer=organisation,
        reference=payload.external_reference,
        data=_need_data(payload),
        publish=payload.publish,
    )
    need = selectors.need_queryset().get(pk=need.pk)
    return Status(201 if outcome == "created" else 200, _need_out(need, organisation))


# --- forecasts --------------------------------------------------------------------------------------------


class ForecastIn(Schema):
    reference: str = Field(
        ..., min_length=1, max_length=60, description="l'identifiant de la prévision dans votre plan d'achat"
    )
    title: str = Field(..., min_length=1, max_length=200)
    year: int = Field(..., ge=2000, le=2100)
    quarter: int = Field(..., ge=1, le=4)
    sector: str = Field(..., min_length=1, max_length=100, description="slug du secteur")
    place_code: str = Field("", max_length=30)
    amount_band: ForecastBand
    procedure: Procedure

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "reference": "PA-2027-031",
                    "title": "Jouets des centres de loisirs",
                    "year": 2027,
                    "quarter": 2,
                    "sector": "jouets",
                    "place_code": "94081",
                    "amount_band": "40k-90k",
                    "procedure": "mapa",
                }
            ]
        }
    }


class ForecastOut(Schema):
    id: int
    url: str
    reference: str = Field(description="visible par l'acheteur de la prévision seulement")
    buyer: str
    title: str
    year: int
    quarter: int
    sector: str
    place_code: str
    place_name: str
    amount_band: str
    procedure: str
    published_at: datetime | None


def _forecast_out(forecast: PurchaseForecast, organisation: Organisation) -> dict[str, Any]:
    return {
        "id": forecast.pk,
        "url": absolute_url(reverse("sourcing:forecast_detail", args=[forecast.pk])),
        "reference": forecast.reference if forecast.buyer_id == organisation.pk else "",
        "buyer": forecast.buyer.name,
        "title": forecast.title,
        "year": forecast.year,
        "quarter": forecast.quarter,
        "sector": forecast.sector.slug,
        "place_code": forecast.place_code,
        "place_name": forecast.place_name,
        "amount_band": forecast.amount_band,
        "procedure": forecast.procedure,
        "published_at": forecast.published_at,
    }


@forecasts_router.get("/", response={200: list[ForecastOut], **ERRORS}, summary="Les prévisions d'achat")
def forecast_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
) -> Any:
    organisation = _count(request)
    return [_forecast_out(f, organisation) for f in selectors.forecasts()[offset : offset + limit]]


@forecasts_router.get(
    "/{forecast_id}", response={200: ForecastOut, **ERRORS}, summary="Une prévision d'achat"
)
def forecast_detail(request: HttpRequest, forecast_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    organisation = _count(request)
    forecast = selectors.forecasts().filter(pk=forecast_id).first()
    if forecast is None:
        raise NotFoundError("Cette prévision d'achat n'existe pas.")
    return _forecast_out(forecast, organisation)


@forecasts_router.post(
    "/",
    response={200: ForecastOut, 201: ForecastOut, **ERRORS},
    summary="Créer ou mettre à jour une prévision d'achat (idempotent par reference)",
    description=(
        "Droit `forecasts:write`. Crée la prévision (201) ; avec la même `reference`, un appel identique ne "
        "change rien (200), un appel différent la met à jour (200)."
    ),
)
def forecast_put(request: HttpRequest, payload: ForecastIn) -> Any:
    organisation = _writer(request, "forecasts:write", "prévisions d'achat")
    sector = Sector.objects.filter(slug=payload.sector.strip()).first()
    if sector is None:
        raise ForecastError(f"Secteur inconnu : {payload.sector}.", field="sector")
    forecast, outcome = forecasts.forecast_put(
        actor=None,
        buyer=organisation,
        data=forecasts.ForecastData(
            title=payload.title,
            year=payload.year,
            quarter=payload.quarter,
            sector=sector,
            amount_band=payload.amount_band,
            procedure=payload.procedure,
            place_code=payload.place_code.strip(),
            reference=payload.reference.strip(),
        ),
    )
    forecast = selectors.forecasts().get(pk=forecast.pk)
    return Status(201 if outcome == "created" else 200, _forecast_out(forecast, organisation))

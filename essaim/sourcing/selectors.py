"""Reads of the sourcing capability: needs visible to someone, a need's ranked matches and reservation
advice, the answer dashboard, forecasts, the place choices and the sector suggestions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.directory.models import Activity, Sector, Structure
from essaim.directory.search import analysis
from essaim.sourcing.errors import MatchInputError
from essaim.territory.models import Commune
from essaim.territory.selectors import place_labels

from . import reservation
from .match_input import (
    COMPLETENESS_FIELDS,
    candidate_queryset,
    candidates_from_db,
    completeness,
    need_from_dict,
)
from .matching import MAX_STARS, Match, rank
from .models import ForecastInterest, Need, NeedAnswer, NeedNotification, PurchaseForecast

# A match "can answer" (for the reservation advice and the emails) when it fits the sector and the place.
MIN_SECTOR = 0.5
MIN_PLACE = 0.25


def place_name(code: str) -> str:
    """The place's name as shown everywhere: "Vitry-sur-Seine (94)", "Grand-Orly Seine Bièvre"."""
    if not code:
        return ""
    return place_labels([code]).get(code, code)


def suggest_sectors(text: str, *, limit: int = 4) -> list[Sector]:
    """Sectors whose name or keywords share analysed words with `text`: second-level ones first."""
    words = analysis.stems(text)
    if not words:
        return []
    scored: list[tuple[int, int, str, Sector]] = []
    for sector in Sector.objects.select_related("parent"):
        vocabulary = analysis.stems(f"{sector.name} {sector.keywords}")
        shared = len(words & vocabulary)
        if shared:
            scored.append((-shared, 0 if sector.parent_id else 1, sector.name, sector))
    scored.sort(key=lambda item: item[:3])
    chosen: list[Sector] = []
    for _shared, _level, _name, sector in scored:
        if sector.parent_id and sector.parent in chosen:
            chosen.remove(sector.parent)
        if sector.parent_id is None and any(s.parent_id == sector.pk for s in chosen):
            continue
        chosen.append(sector)
        if len(chosen) >= limit:
            break
    return chosen


def need_match_dict(need: Need) -> dict[str, Any]:
    """The need as `need_from_dict` reads it."""
    data: dict[str, Any] = {
        "title": need.title,
        "description": need.description,
        "sectors": [s.slug for s in need.sectors.all()],
        "service_types": list(need.service_types or []),
        "reserved": need.reserved or None,
        "amount": float(need.amount) if need.amount is not None else None,
    }
    if need.place_code:
        if Commune.objects.filter(pk=need.place_code).exists():
            data["commune"] = need.place_code
        else:
            data["perimeter"] = need.place_code
    return data


def responsiveness() -> dict[int, tuple[int, int]]:
    """Per structure: (needs answered, needs it was told about)."""
    asked = dict(
        NeedNotification.objects.filter(sent_at__isnull=False)
        .values("structure_id")
        .annotate(n=Count("id"))
        .values_list("structure_id", "n")
    )
    answered = dict(
        NeedAnswer.objects.exclude(kind=NeedAnswer.Kind.QUESTION)
        .filter(structure__isnull=False)
        .values("structure_id")
        .annotate(n=Count("need_id", distinct=True))
        .values_list("structure_id", "n")
    )
    return {pk: (answered.get(pk, 0), n) for pk, n in asked.items()}


def need_matches(need: Need, *, limit: int | None = None) -> list[Match]:
    """The published structures ranked for the need, with their reasons."""
    return matches_for(need_match_dict(need), limit=limit)


def matches_for(data: dict[str, Any], *, limit: int | None = None) -> list[Match]:
    try:
        request = need_from_dict(data)
    except MatchInputError:
        return []
    candidates = candidates_from_db(candidate_queryset(request), responses=responsiveness())
    return rank(request.need, candidates, limit=limit)


def able_matches(need: Need | None, matches: list[Match]) -> list[Match]:
    """The structures that can really answer (the hard filters, before the ranking is shown): they fit the
    need's sector and place when the need names them, and share a word with a need that names no sector.
    The order of `matches` (the ranking) is kept."""
    return [
        m
        for m in matches
        if m.components.get("sector", 1.0) >= MIN_SECTOR
        and m.components.get("place", 1.0) >= MIN_PLACE
        and ("sector" in m.components or m.components.get("text", 1.0) > 0)
    ]


@dataclass(frozen=True)
class MatchSummary:
    """ "12 structures correspondent, 5 très bien": the structures that can answer, and the best fitting."""

    count: int
    very_good: int


def match_summary(matches: list[Match]) -> MatchSummary:
    return MatchSummary(count=len(matches), very_good=sum(1 for m in matches if m.fit.stars == MAX_STARS))


@dataclass
class AdviceInputs:
    """The reservation advisor's inputs: the amount (€ HT, whole duration) when known, else the amount band
    (`reservation.band_amounts` turns it into amounts), and the clause's hypotheses."""

    amount: float | None = None
    amount_band: str = ""
    duration_months: int = 12
    labour_share: float = 0.5
    insertion_rate: float = 0.05
    hourly_cost: float = 30.0


def reservation_advice(
    need: Need | None, matches: list[Match], inputs: AdviceInputs
) -> reservation.Recommendation:
    able_ids = [m.id for m in able_matches(need, matches)]
    return advice_for_structures(Structure.objects.filter(pk__in=able_ids), inputs)


ADVICE_FIELDS = (
    "name", "eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15", "headcount", "revenue_band"
)  # fmt: skip


def able_structures(structures: QuerySet[Structure]) -> list[reservation.AbleStructure]:
    """The directory structures as the reservation advisor sees them (reservations, capacity)."""
    return [
        reservation.AbleStructure(
            name=s.name,
            reservations=frozenset(code.upper() for code in s.reservations),
            headcount=s.headcount,
            revenue_band=s.revenue_band or "",
        )
        for s in structures.only(*ADVICE_FIELDS)
    ]


def advice_for_structures(
    structures: QuerySet[Structure] | list[reservation.AbleStructure], inputs: AdviceInputs
) -> reservation.Recommendation:
    """The reservation advice for a purchase given the structures able to answer it (a queryset of the
    directory, or structures already read with `able_structures`). Used by needs, forecasts and the
    renewal radar (insight)."""
    able = structures if isinstance(structures, list) else able_structures(structures)
    purchase = reservation.Purchase(
        amount=inputs.amount,
        band=inputs.amount_band,
        duration_months=inputs.duration_months,
        labour_share=inputs.labour_share,
        insertion_rate=inputs.insertion_rate,
        hourly_cost=inputs.hourly_cost,
    )
    return reservation.advise(purchase, able)


def need_queryset() -> QuerySet[Need]:
    return Need.objects.select_related("buyer").prefetch_related(
        Prefetch("sectors", queryset=Sector.objects.select_related("parent"))
    )


def published_needs(
    *, query: str = "", sector: Sector | None = None, kind: str = "", place: str = "", open_only: bool = True
) -> QuerySet[Need]:
    needs = need_queryset().filter(status=Need.Status.PUBLISHED)
    if open_only:
        needs = needs.filter(deadline__gte=timezone.localdate())
    if query:
        needs = needs.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if sector is not None:
        needs = needs.filter(Q(sectors=sector) | Q(sectors__parent=sector)).distinct()
    if kind:
        needs = needs.filter(kind=kind)
    if place:
        needs = needs.filter(place_code=place)
    return needs.order_by("deadline", "id")


def needs_of_buyer(organisation: Organisation | None) -> QuerySet[Need]:
    if organisation is None:
        return Need.objects.none()
    return (
        need_queryset()
        .filter(buyer=organisation)
        .annotate(
            interested=Count("answers", filter=Q(answers__kind=NeedAnswer.Kind.INTERESTED), distinct=True),
            told=Count("notifications", filter=Q(notifications__sent_at__isnull=False), distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def needs_to_validate() -> QuerySet[Need]:
    return need_queryset().filter(status=Need.Status.TO_VALIDATE).order_by("created_at")


def answers_of_need(need: Need) -> QuerySet[NeedAnswer]:
    return need.answers.select_related("organisation", "structure", "author").order_by("-created_at", "-id")


def published_questions(need: Need) -> list[NeedAnswer]:
    """The questions the buyer answered, as everyone reads them on the need's page (never the asker's name:
    the template shows the question and the answer only)."""
    return list(
        need.answers.filter(kind=NeedAnswer.Kind.QUESTION, replied_at__isnull=False).order_by(
            "replied_at", "id"
        )
    )


def answer_of_organisation(need: Need, organisation: Organisation | None) -> NeedAnswer | None:
    if organisation is None:
        return None
    return need.answers.filter(organisation=organisation).exclude(kind=NeedAnswer.Kind.QUESTION).first()


@dataclass
class Funnel:
    sent: int
    opened: int
    viewed: int
    interested: int
    not_interested: int
    questions: int


def need_funnel(need: Need) -> Funnel:
    counts = need.notifications.aggregate(
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        viewed=Count("id", filter=Q(viewed_at__isnull=False)),
    )
    kinds = Counter(need.answers.values_list("kind", flat=True))
    return Funnel(
        sent=counts["sent"],
        opened=counts["opened"],
        viewed=counts["viewed"],
        interested=kinds[NeedAnswer.Kind.INTERESTED],
        not_interested=kinds[NeedAnswer.Kind.NOT_INTERESTED],
        questions=kinds[NeedAnswer.Kind.QUESTION],
    )


def dashboard_rows(need: Need) -> list[dict[str, Any]]:
    """One row per structure told or answering: the funnel step it reached and its answer."""
    rows: dict[int | str, dict[str, Any]] = {}
    for n in need.notifications.select_related("structure").order_by("rank"):
        rows[f"s{n.structure_id}"] = {
            "name": n.structure.name,
            "rank": n.rank,
            "score": round(n.score, 2),
            "sent_at": n.sent_at,
            "opened_at": n.opened_at,
            "viewed_at": n.viewed_at,
            "answer": "",
            "answer_pk": None,
            "detail": "",
            "answered_at": None,
        }
    for answer in answers_of_need(need).exclude(kind=NeedAnswer.Kind.QUESTION):
        key = f"s{answer.structure_id}" if answer.structure_id else f"o{answer.organisation_id}"
        row = rows.setdefault(
            key,
            {
                "name": answer.organisation.name,
                "rank": None,
                "score": None,
                "sent_at": None,
                "opened_at": None,
                "viewed_at": None,
            },
        )
        row.update(
            answer=answer.get_kind_display(),
            answer_pk=answer.pk,
            detail=answer.reason or answer.message,
            answered_at=answer.created_at,
        )
    return list(rows.values())


def interested_organisations(need: Need) -> list[Organisation]:
    ids = need.answers.filter(kind=NeedAnswer.Kind.INTERESTED).values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def forecasts(
    *, sector: Sector | None = None, year: int | None = None, buyer: Organisation | None = None
) -> QuerySet[PurchaseForecast]:
    qs = PurchaseForecast.objects.select_related("buyer", "sector", "sector__parent")
    if sector is not None:
        qs = qs.filter(Q(sector=sector) | Q(sector__parent=sector))
    if year:
        qs = qs.filter(year=year)
    if buyer is not None:
        qs = qs.filter(buyer=buyer)
    return qs.order_by("year", "quarter", "title", "id")


def forecast_interests(forecast: PurchaseForecast) -> list[ForecastInterest]:
    """The suppliers interested in a forecast, first marked first (for its buyer and the facilitators)."""
    return list(forecast.interests.select_related("organisation", "structure").order_by("created_at", "id"))


def forecast_interest_of(
    forecast: PurchaseForecast, organisation: Organisation | None
) -> ForecastInterest | None:
    if organisation is None:
        return None
    return forecast.interests.filter(organisation=organisation).first()


def interested_structure_ids(need: Need) -> set[int]:
    """The structures interested in the forecast the need comes from (none for another need)."""
    if not need.forecast_id:
        return set()
    return set(
        ForecastInterest.objects.filter(forecast_id=need.forecast_id, structure__isnull=False).values_list(
            "structure_id", flat=True
        )
    )


def structure_of(organisation: Organisation | None) -> Structure | None:
    if organisation is None:
        return None
    return Structure.objects.filter(organisation=organisation).first()


# The bands' bounds and the conversions live with the advisor (pure): `reservation.band_amounts`.
band_for_amount = reservation.band_for_amount


def amount_band_choices() -> list[tuple[str, str]]:
    """(code, label) of the amount bands, for the pages of other apps (they never import our models)."""
    return list(Need.AmountBand.choices)


def forecast_advice(forecast: PurchaseForecast) -> tuple[list[Match], reservation.Recommendation]:
    """The structures able to answer a forecast (its sector and place) and the reservation advice."""
    data: dict[str, Any] = {"title": forecast.title, "sectors": [forecast.sector.slug]}
    if forecast.place_code:
        key = "commune" if Commune.objects.filter(pk=forecast.place_code).exists() else "perimeter"
        data[key] = forecast.place_code
    matches = able_matches(None, matches_for(data))
    advice = reservation_advice(None, matches, AdviceInputs(amount_band=forecast.amount_band))
    return matches, advice


# What a structure reads for each empty field of its profile (`match_input.COMPLETENESS_FIELDS`).
PROFILE_FIELD_LABELS: dict[str, str] = {
    "description": "sa présentation",
    "offers": "ce qu'elle propose",
    "siret": "son SIRET",
    "commune_id": "sa commune",
    "website": "son site web",
    "email": "son courriel",
    "phone": "son téléphone",
    "headcount": "son effectif",
    "revenue_band": "sa tranche de chiffre d'affaires",
    "client_references": "ses références",
    "place": "ses lieux d'intervention",
}


def structure_completeness_panel(structure: Structure) -> dict[str, Any]:
    """Context of `sourcing/includes/profile_completeness.html` on the structure's own dashboard (its
    members only): the one place where a structure is told how complete its profile is and what it lacks
    (never on the buyers' match cards nor in the needs' emails). Empty once the profile is complete."""
    row = {name: getattr(structure, name) for name in COMPLETENESS_FIELDS}
    has_place = (
        structure.commune_id is not None
        or Activity.objects.filter(
            Q(structure=structure) & (Q(is_national=True) | Q(perimeters__isnull=False))
        ).exists()
    )
    share, missing = completeness(row, has_place)
    if not missing:
        return {}
    return {
        "completeness": round(100 * share),
        "missing": [PROFILE_FIELD_LABELS[name] for name in missing],
        "structure": structure,
    }

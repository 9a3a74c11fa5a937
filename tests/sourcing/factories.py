"""Factories of the sourcing tests: needs written and published through the services, structures to match."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.directory.models import Sector, Structure
from essaim.directory.services import ActivityInput
from essaim.sourcing import forecasts, services
from essaim.sourcing.models import Need, PurchaseForecast
from tests.directory.factories import ensure_sectors, make_structure


def need_data(**overrides: Any) -> services.NeedData:
    ensure_sectors()
    values: dict[str, Any] = {
        "title": "Achat de jouets de réemploi pour les crèches",
        "description": "Jouets d'éveil et jeux de construction d'occasion, nettoyés et contrôlés, pour 12 crèches.",
        "deadline": timezone.localdate() + timedelta(days=30),
        "sectors": list(Sector.objects.filter(slug="jouets")),
        "service_types": ["fourniture"],
        "place_code": "94081",
        "place_name": "Vitry-sur-Seine",
        "amount": Decimal("50000"),
        "questions": "Quels délais de livraison ?\nQuelles normes de sécurité ?",
    }
    values.update(overrides)
    return services.NeedData(**values)


def make_need(buyer: Organisation, *, actor: Any = None, publish: bool = False, **overrides: Any) -> Need:
    need = services.need_create(actor=actor, buyer=buyer, data=need_data(**overrides))
    if publish:
        need = services.need_publish(actor=actor, need=need)
    return need


def make_toy_structure(
    name: str = "Rejoué (atelier)",
    *,
    organisation: Organisation | None = None,
    commune: str = "94081",
    **data: Any,
) -> Structure:
    return make_structure(
        name,
        organisation=organisation,
        commune=commune,
        email=data.pop("email", f"contact@{name.split()[0].lower()}.exemple.fr"),
        description=data.pop(
            "description",
            "Collecte, nettoyage et revente de jouets de réemploi pour les crèches et les écoles.",
        ),
        activities=[ActivityInput(sector="jouets", service_types=("fourniture",), perimeters=(commune,))],
        inclusion_kinds=data.pop("inclusion_kinds", ["ACI"]),
        **data,
    )


def make_forecast(buyer: Organisation, **overrides: Any) -> PurchaseForecast:
    """A buyer's published purchase forecast: toys for next year in Vitry (the territory must be loaded)."""
    ensure_sectors()
    values: dict[str, Any] = {
        "title": "Jouets des centres de loisirs",
        "year": timezone.localdate().year + 1,
        "quarter": 2,
        "sector": Sector.objects.get(slug="jouets"),
        "amount_band": "40k-90k",
        "procedure": "mapa",
        "place_code": "94081",
        **overrides,
    }
    return forecasts.forecast_create(actor=None, buyer=buyer, data=forecasts.ForecastData(**values))

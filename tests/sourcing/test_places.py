"""Sourcing takes places by name: a need's place, a forecast's place, the needs filter, the digest's places."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.directory.models import Sector
from essaim.sourcing.models import Need, PurchaseForecast, SupplierPreference
from tests.territory_support import make_small_territory

from .factories import ensure_sectors, make_toy_structure

PLACES = [
    ("Vitry-sur-Seine", "94081", "Vitry-sur-Seine (94)"),
    ("Grand-Orly Seine Bièvre", "epci:200058014", "Grand-Orly Seine Bièvre"),
]


@pytest.mark.parametrize(("typed", "code", "label"), PLACES)
def test_a_need_is_placed_by_name(typed: str, code: str, label: str, client_as, world) -> None:
    make_small_territory()
    ensure_sectors()
    data = {
        "kind": "sourcing",
        "title": "Achat de jouets pour les crèches",
        "description": "Jouets d'occasion",
        "sectors": [Sector.objects.get(slug="jouets").pk],
        "sectors_reviewed": "on",
        "place_code": typed,
        "amount": "1000",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "duration_months": "12",
    }
    response = client_as("buyer").post(reverse("sourcing:need_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    need = Need.objects.get()
    assert (need.place_code, need.place_name) == (code, label)
    page = client_as("buyer").get(reverse("sourcing:need_update", args=[need.pk])).content.decode()
    assert f'value="{label}"' in page


def test_a_need_with_an_unknown_place_keeps_what_was_typed(client_as, world) -> None:
    make_small_territory()
    page = (
        client_as("buyer")
        .post(reverse("sourcing:need_create"), {"place_code": "Nulle-Part"})
        .content.decode()
    )
    assert "Aucun lieu ne s&#x27;appelle « Nulle-Part »" in page and 'value="Nulle-Part"' in page


@pytest.mark.parametrize(("typed", "code", "label"), PLACES)
def test_a_forecast_is_placed_by_name(typed: str, code: str, label: str, client_as, world) -> None:
    make_small_territory()
    ensure_sectors()
    data = {
        "title": "Vélos",
        "year": timezone.localdate().year + 1,
        "quarter": "1",
        "sector": Sector.objects.get(slug="velo").pk,
        "place_code": typed,
        "amount_band": "lt-40k",
        "procedure": "mapa",
    }
    assert client_as("buyer").post(reverse("sourcing:forecast_create"), data).status_code == 302
    assert PurchaseForecast.objects.get().place_code == code


@pytest.mark.parametrize(("typed", "code", "label"), PLACES)
def test_the_needs_filter_keeps_codes_in_the_address(
    typed: str, code: str, label: str, client_as, world
) -> None:
    make_small_territory()
    client = client_as("supplier")
    response = client.get(reverse("sourcing:need_list"), {"place": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("sourcing:need_list") + "?place=" + code.replace(":", "%3A")
    assert f'value="{label}"' in client.get(response["Location"]).content.decode()


def test_the_digest_follows_places_typed_by_name(client_as, world) -> None:
    make_small_territory()
    ensure_sectors()
    structure = make_toy_structure(organisation=world.supplier_org)
    response = client_as("supplier").post(
        reverse("sourcing:preferences"), {"digest_places": "Vitry-sur-Seine, Grand-Orly Seine Bièvre"}
    )
    assert response.status_code == 302
    assert SupplierPreference.objects.get(structure=structure).digest_places == ["94081", "epci:200058014"]
    page = client_as("supplier").get(reverse("sourcing:preferences")).content.decode()
    assert 'value="Vitry-sur-Seine (94), Grand-Orly Seine Bièvre"' in page

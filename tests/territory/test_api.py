"""The public territory API: search, detail, and 4xx (never 500) on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory_data")]

API = "/api/v1/territory"


def test_commune_search_needs_no_token_and_is_accent_insensitive(client: Client) -> None:
    response = client.get(f"{API}/communes", {"q": "haÿ-les", "limit": 3})
    assert response.status_code == 200
    assert response.json()[0] == {
        "code": "94038",
        "name": "L'Haÿ-les-Roses",
        "departement_id": "94",
        "region_id": "11",
        "siren": "219400389",
        "postal_codes": ["94240"],
        "population": response.json()[0]["population"],
        "is_arrondissement": False,
        "parent_id": None,
    }


def test_perimeter_search_for_autocomplete(client: Client) -> None:
    response = client.get(f"{API}/perimeters", {"q": "grand orly"})
    assert response.status_code == 200
    assert response.json()[0] == {
        "code": "epci:200058014",
        "kind": "epci",
        "name": "Grand-Orly Seine Bièvre",
        "label": "Grand-Orly Seine Bièvre",
        "population": 730551,
    }
    only_departements = client.get(
        f"{API}/perimeters", {"q": "val", "kind": "departement", "limit": 50}
    ).json()
    assert {p["kind"] for p in only_departements} == {"departement"}


def test_perimeter_detail_lists_its_communes_and_parents(client: Client) -> None:
    response = client.get(f"{API}/perimeters/ept:200058014")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "epci:200058014"
    assert body["communes_count"] == len(body["communes"]) == 24
    assert body["communes"][0]["name"] == "Ablon-sur-Seine"
    assert body["parents_containing"] == ["epci:200054781", "reg:11", "national"]
    page = client.get(f"{API}/perimeters/dep:94", {"limit": 10, "offset": 40}).json()
    assert page["communes_count"] == 47
    assert len(page["communes"]) == 7


def test_perimeters_of_a_commune(client: Client) -> None:
    response = client.get(f"{API}/communes/94081/perimeters")
    assert [p["code"] for p in response.json()][-3:] == ["dep:94", "reg:11", "national"]
    assert client.get(f"{API}/communes/00000/perimeters").status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/communes", {}, 422),
        ("/communes", {"q": "vitry", "limit": 0}, 422),
        ("/communes", {"q": "vitry", "limit": 51}, 422),
        ("/communes", {"q": "vitry", "limit": "beaucoup"}, 422),
        ("/communes", {"q": "x" * 101}, 422),
        ("/perimeters", {"q": "paris", "kind": "canton"}, 422),
        ("/perimeters", {"q": "paris", "limit": -1}, 422),
        ("/perimeters/dep:999x", {}, 400),
        ("/perimeters/canton:9401", {}, 400),
        ("/perimeters/dep:99", {}, 404),
        ("/perimeters/dep:94", {"limit": 100_000}, 422),
        ("/perimeters/dep:94", {"offset": -5}, 422),
        ("/perimeters/dep:94", {"offset": 10**30}, 422),  # used to overflow SQLite: a server error
    ],
)
def test_bad_requests_get_a_4xx_with_a_french_detail(client: Client, path, params, status) -> None:
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status
    assert response.json()["detail"]

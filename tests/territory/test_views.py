"""The public perimeter page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory_data")]


def _url(code: str) -> str:
    return reverse("territory:perimeter_detail", args=[code])


def test_ept_page_lists_its_communes_with_population_and_links_to_wider_perimeters(
    client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(6):
        response = client.get(_url("epci:200058014"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Grand-Orly Seine Bièvre</h1>" in page
    assert "24 communes" in page
    assert len(response.context["page"].object_list) == 24
    assert f'<a href="{_url("94081")}">Vitry-sur-Seine</a>' in page
    assert "93\u202f963" in page  # Vitry's population, grouped the French way
    for parent in ("epci:200054781", "reg:11", "national", "dep:91", "dep:94"):
        assert f'href="{_url(parent)}"' in page
    assert [p.code for p in response.context["containing"]] == ["epci:200054781", "reg:11", "national"]
    assert [p.code for p in response.context["straddling"]] == ["dep:91", "dep:94"]


def test_alias_codes_redirect_to_the_canonical_address(client: Client) -> None:
    response = client.get(_url("ept:200058014"))
    assert response.status_code == 301
    assert response["Location"] == _url("epci:200058014")


@pytest.mark.parametrize("code", ["dep:99", "canton:9401", "9408"])
def test_unknown_or_malformed_codes_give_404(client: Client, code: str) -> None:
    assert client.get(_url(code)).status_code == 404


def test_national_page_is_paginated(client: Client) -> None:
    response = client.get(_url("national"), {"page": "2"})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 200
    assert len(response.context["children"]) == 26
    assert client.get(_url("national"), {"page": "n'importe"}).status_code == 200


def test_city_page_lists_its_arrondissements(client: Client) -> None:
    response = client.get(_url("75056"))
    assert response.status_code == 200
    assert len(response.context["arrondissements"]) == 20
    assert f'href="{_url("75112")}"' in response.content.decode()

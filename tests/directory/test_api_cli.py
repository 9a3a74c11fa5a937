"""The search command line and the API router."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from ninja import NinjaAPI
from ninja.testing import TestClient

from essaim.directory.api import router
from essaim.directory.services import ActivityInput

from .factories import make_structure

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def api_client():
    api = NinjaAPI(urls_namespace="directory-test")
    api.add_router("/structures/", router)
    return TestClient(api)


def test_search_command_json_in_rank_order(demo, capsys):
    call_command("search", "jouets de réemploi", "--commune", "94081", "--limit", "5", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["name"] == "Rejoué"
    assert set(rows[0]) == {"id", "name", "siret", "score", "kinds", "sectors", "commune"}
    assert rows[0]["kinds"] == ["ACI"] and "jeux-jouets" in rows[0]["sectors"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_search_command_empty_query_with_filters(demo, capsys):
    call_command("search", "", "--kind", "ESAT", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows and all("ESAT" in r["kinds"] for r in rows)


def test_api_list_detail_siret_sectors_kinds(territory, api_client):
    structure = make_structure(
        "Rejoué",
        siret="73282932000074",
        inclusion_kinds=["ACI"],
        activities=[ActivityInput("jouets", ("fourniture",), ("94081",))],
    )
    listing = api_client.get("/structures/?q=rejoue&kind=ACI").json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == structure.pk
    assert {f["code"]: f["count"] for f in listing["facets"]["kinds"]}["ACI"] == 1
    detail = api_client.get(f"/structures/{structure.pk}").json()
    assert detail["activities"][0] == {
        "sector": "jouets",
        "service_types": ["fourniture"],
        "perimeters": ["94081"],
        "is_national": False,
    }
    assert api_client.get("/structures/siret/73282932000074").json()["id"] == structure.pk
    assert api_client.get("/structures/siret/35600000000048").status_code == 404
    assert len(api_client.get("/structures/sectors").json()) == 15
    assert {k["code"] for k in api_client.get("/structures/kinds").json()} >= {"EA", "ESAT", "ACI"}

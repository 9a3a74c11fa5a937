"""The search command line and the API router."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from ninja import NinjaAPI
from ninja.testing import TestClient

from essaim.directory.api import router
from essaim.directory.selectors import PARTIAL_MESSAGE
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
    assert set(rows[0]) == {"id", "name", "siret", "score", "kinds", "sectors", "commune", "words_matched"}
    assert rows[0]["kinds"] == ["ACI"] and "jeux-jouets" in rows[0]["sectors"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_search_command_says_when_no_structure_holds_every_word(demo, capsys):
    # The case: nobody holds "costumes"; the ressourcerie du spectacle lends (location) stage
    # material for shows (théâtre meets spectacle).
    call_command("search", "location costumes théâtre", "--limit", "3")
    out, err = capsys.readouterr()
    first = out.splitlines()[0]
    assert "Ressourcerie du spectacle" in first and first.endswith("2/3 mots")
    assert PARTIAL_MESSAGE in err and "« costumes »" in err


def test_decors_de_theatre_find_the_ressourcerie_du_spectacle_first(demo, capsys):
    call_command("search", "décors de théâtre", "--json")
    assert json.loads(capsys.readouterr().out)[0]["name"] == "Ressourcerie du spectacle"


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


def test_api_says_how_the_results_were_found(demo, api_client):
    listing = api_client.get("/structures/?q=location costumes théâtre").json()
    assert listing["match"] == "partial" and listing["absent"] == ["costumes"]
    assert listing["message"].startswith(PARTIAL_MESSAGE)
    assert listing["items"][0]["name"] == "Ressourcerie du spectacle"
    assert listing["items"][0]["words_matched"] == 2 and listing["words_total"] == 3
    exact = api_client.get("/structures/?q=ressourcrie").json()
    assert exact["match"] == "all" and exact["corrected"] == ["ressourcrie"] and exact["total"] >= 3

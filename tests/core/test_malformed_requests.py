"""A NUL character anywhere in a request is refused with a clear 400, never a server error; huge page
numbers neither.

PostgreSQL cannot hold NUL in a string: before the middleware, the API fuzz test found a 500 on
/api/v1/structures/?sector=%00 on PostgreSQL. These tests run on both databases.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.html import escape
from django.views.defaults import permission_denied, server_error

from essaim.accounts.services import api_token_create
from essaim.core.middleware import NULL_CHARACTER_MESSAGE
from essaim.core.models import ContactMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world) -> dict[str, str]:
    _, raw = api_token_create(actor=world.users["buyer_admin"], organisation=world.buyer_org, name="Tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/structures/?sector=%00",
        "/api/v1/structures/?q=jouets%00&located_in=94081",
        "/api/v1/structures/siret/%00",
        "/api/v1/structures/?%00=1",
    ],
)
def test_the_api_refuses_nul_in_json(client, token, url: str) -> None:
    response = client.get(url, headers=token)
    assert response.status_code == 400
    assert response.json() == {"detail": NULL_CHARACTER_MESSAGE}


def test_a_json_body_with_nul_is_refused(client, token) -> None:
    response = client.post(
        "/api/v1/organisations/me",
        data='{"name": "a\\u0000b"}',
        content_type="application/json",
        headers=token,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": NULL_CHARACTER_MESSAGE}


def test_pages_refuse_nul_in_french_and_change_nothing(client_as, world, mailoutbox) -> None:
    client = client_as("buyer")
    page = client.get("/annuaire/", {"q": "jouets\x00"})
    assert page.status_code == 400
    assert escape(NULL_CHARACTER_MESSAGE) in page.content.decode()
    assert "<h1>Requête incorrecte</h1>" in page.content.decode()
    before = ContactMessage.objects.count()
    form = {"topic": "autre", "name": "Camille\x00", "email": "camille@vitry.example", "message": "Bonjour"}
    response = client.post("/contact/", form)
    assert response.status_code == 400
    assert ContactMessage.objects.count() == before and mailoutbox == []


def test_huge_page_numbers_are_clamped_not_a_server_error(client, token, client_as) -> None:
    # The API fuzz test found page=2217999289134137680919530410344448 overflowing SQLite's OFFSET.
    response = client.get("/api/v1/structures/", {"page": 10**30, "q": "jouets"}, headers=token)
    assert response.status_code == 200
    assert response.json()["page"] == 10_000 and response.json()["items"] == []
    page = client_as("buyer").get("/annuaire/", {"page": 10**30})
    assert page.status_code == 200  # the form refuses it and shows the first page


def test_ordinary_requests_pass(client_as) -> None:
    client = client_as("buyer")
    assert client.get("/annuaire/", {"q": "jouets recyclés"}).status_code == 200


def test_error_pages_are_in_french(client_as, rf, world) -> None:
    page = client_as("buyer").get("/cette-page-n-existe-pas/")
    assert page.status_code == 404
    assert "<h1>Page introuvable</h1>" in page.content.decode()
    request = rf.get("/")
    request.user = world.users["buyer"]
    denied = permission_denied(request, PermissionDenied())
    assert denied.status_code == 403 and "<h1>Accès refusé</h1>" in denied.content.decode()
    crashed = server_error(rf.get("/"))
    assert crashed.status_code == 500 and "<h1>Erreur du serveur</h1>" in crashed.content.decode()

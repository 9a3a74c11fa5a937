"""The API: its schema, token authentication, and a schemathesis run so that no request ever gets a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from essaim.accounts.services import api_token_create
from tests.territory_support import make_small_territory


@pytest.fixture
def api_schema(db):
    """The schema served by the app, called in-process (WSGI) inside the test's transaction.

    As Django's test client does, requests must not close the database connection at their end
    (`close_old_connections` on request_started/finished would close the test's transaction on PostgreSQL).
    """
    make_small_territory()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(world):
    _, raw = api_token_create(
        actor=world.users["buyer_admin"],
        organisation=world.buyer_org,
        name="Tests",
        scopes=["needs:write", "forecasts:write"],
    )
    return {"Authorization": f"Bearer {raw}"}


def test_no_request_gets_a_server_error(api_schema, token_header) -> None:
    """Every operation of the schema, fed with schemathesis-generated requests (valid and not)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 2
    # The needs and forecasts operations (read and write, issue 16) are among them.
    for resource in ("needs", "forecasts"):
        methods = {op.method.upper() for op in operations if f"/{resource}/" in op.path}
        assert methods == {"GET", "POST"}, (resource, methods)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call(headers=token_header)
            case.validate_response(response, checks=[not_a_server_error])
            assert response.status_code < 500

        check()


@pytest.mark.django_db
def test_schema_and_docs_are_served(client) -> None:
    schema_json = client.get("/api/v1/openapi.json").json()
    assert schema_json["info"]["title"] == "Essaim API"
    assert "/api/v1/organisations/me" in schema_json["paths"]
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
def test_token_acts_for_its_organisation_only(client, token_header, world) -> None:
    response = client.get("/api/v1/organisations/me", headers=token_header)
    assert response.status_code == 200
    assert response.json()["name"] == "Ville de Vitry-sur-Seine"
    assert client.get("/api/v1/organisations/me").status_code == 401
    assert client.get("/api/v1/organisations/me", headers={"Authorization": "Bearer faux"}).status_code == 401


@pytest.mark.django_db
def test_public_territory_search_validates_its_parameters(client) -> None:
    make_small_territory()
    response = client.get("/api/v1/territory/communes", {"q": "Vitry"})
    assert response.status_code == 200 and response.json()[0]["code"] == "94081"
    assert client.get("/api/v1/territory/communes", {"limit": "beaucoup"}).status_code == 422

"""The open API of sourcing (issue 16): needs and forecasts read by every token, written by buyers' tokens
with a scope, idempotent by the sender's reference, French 4xx errors, rate-limited per token; the
`essaim api_token` command."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import ApiToken
from essaim.accounts.services import api_token_create
from essaim.sourcing.models import Need, PurchaseForecast
from tests.sourcing.factories import ensure_sectors, make_need
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db
SIRET = "21940081700018"


@pytest.fixture
def writer(world):
    ensure_sectors()
    make_small_territory()
    world.buyer_org.siret = SIRET
    world.buyer_org.save(update_fields=["siret"])
    out = io.StringIO()
    call_command("api_token", "--organisation", SIRET, "--scopes", "needs:write,forecasts:write", stdout=out)
    raw = out.getvalue().strip()
    return {"Authorization": f"Bearer {raw}"}


def need_payload(**overrides):
    return {
        "external_reference": "MARCHES-2027-014",
        "title": "Achat de jouets de réemploi pour les crèches",
        "description": "Jouets d'éveil de réemploi, nettoyés et contrôlés, pour 12 crèches.",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "sectors": ["jouets"],
        "service_types": ["fourniture"],
        "place_code": "94081",
        "amount": "50000",
        "questions": ["Quel délai de livraison ?"],
        "publish": True,
        **overrides,
    }


def test_the_command_prints_one_scoped_token(writer) -> None:
    raw = writer["Authorization"].removeprefix("Bearer ")
    assert raw.startswith("ess_") and "\n" not in raw
    token = ApiToken.objects.get()
    assert token.scopes == ["forecasts:write", "needs:write"]
    with pytest.raises(CommandError, match="Droit inconnu"):
        call_command("api_token", "--organisation", SIRET, "--scopes", "tout:write", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("api_token", "--organisation", "00000000000000", stdout=io.StringIO())


def test_a_need_pushed_appears_in_the_site_and_a_second_identical_call_changes_nothing(
    client, client_as, writer
) -> None:
    first = client.post("/api/v1/needs/", need_payload(), content_type="application/json", headers=writer)
    assert first.status_code == 201, first.content
    need = Need.objects.get()
    assert need.status == Need.Status.PUBLISHED and need.external_reference == "MARCHES-2027-014"
    assert first.json()["id"] == need.pk and first.json()["sectors"] == ["jouets"]
    updated_at = need.updated_at

    second = client.post("/api/v1/needs/", need_payload(), content_type="application/json", headers=writer)
    assert second.status_code == 200 and second.json() == first.json()
    need.refresh_from_db()
    assert Need.objects.count() == 1 and need.updated_at == updated_at

    page = client_as("other_buyer").get(reverse("sourcing:need_detail", args=[need.pk]))
    assert page.status_code == 200 and "Achat de jouets de réemploi pour les crèches" in page.content.decode()

    changed = client.post(
        "/api/v1/needs/",
        need_payload(title="Jouets de réemploi"),
        content_type="application/json",
        headers=writer,
    )
    assert changed.status_code == 200 and changed.json()["id"] == need.pk
    need.refresh_from_db()
    assert need.title == "Jouets de réemploi"


def test_reads_show_published_needs_and_own_drafts_only(client, world, writer) -> None:
    published = make_need(world.other_buyer_org, publish=True, title="Entretien des écoles d'Ivry")
    draft = make_need(world.other_buyer_org, title="Brouillon d'Ivry")
    mine = make_need(world.buyer_org, title="Brouillon de Vitry")
    listed = client.get("/api/v1/needs/", headers=writer).json()
    assert {n["id"] for n in listed} == {published.pk, mine.pk}
    assert client.get(f"/api/v1/needs/{draft.pk}", headers=writer).status_code == 404
    assert client.get(f"/api/v1/needs/{published.pk}", headers=writer).json()["external_reference"] == ""


def test_writes_need_the_scope_and_a_buyer(client, world) -> None:
    ensure_sectors()
    _, read_only = api_token_create(actor=None, organisation=world.buyer_org, name="Lecture")
    refused = client.post(
        "/api/v1/needs/",
        need_payload(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {read_only}"},
    )
    assert refused.status_code == 403 and "needs:write" in refused.json()["detail"]
    _, supplier = api_token_create(
        actor=None, organisation=world.supplier_org, name="S", scopes=["needs:write"]
    )
    refused = client.post(
        "/api/v1/needs/",
        need_payload(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {supplier}"},
    )
    assert refused.status_code == 403 and "acheteur" in refused.json()["detail"]
    assert not Need.objects.exists()


def test_errors_are_structured_and_french(client, writer) -> None:
    shape = client.post(
        "/api/v1/needs/",
        need_payload(title="", deadline="demain", duration_months=500),
        content_type="application/json",
        headers=writer,
    )
    assert shape.status_code == 422
    by_field = {e["field"]: e["message"] for e in shape.json()["errors"]}
    assert by_field["title"] == "Ce champ ne peut pas être vide."
    assert by_field["deadline"] == "Une date est attendue (AAAA-MM-JJ)."
    assert by_field["duration_months"] == "La valeur doit être au plus 120."
    rules = client.post(
        "/api/v1/needs/",
        need_payload(sectors=["licornes"], place_code="99999", deadline="2020-01-01"),
        content_type="application/json",
        headers=writer,
    )
    assert rules.status_code == 400
    by_field = {e["field"]: e["message"] for e in rules.json()["errors"]}
    assert by_field["sectors"] == "Secteur inconnu : licornes."
    assert by_field["place_code"] == "Lieu inconnu : 99999."
    assert "passée" in by_field["deadline"]
    assert not Need.objects.exists()


def test_forecasts_are_written_idempotently(client, writer) -> None:
    payload = {
        "reference": "PA-2027-031",
        "title": "Jouets des centres de loisirs",
        "year": timezone.localdate().year + 1,
        "quarter": 2,
        "sector": "jouets",
        "place_code": "94081",
        "amount_band": "40k-90k",
        "procedure": "mapa",
    }
    first = client.post("/api/v1/forecasts/", payload, content_type="application/json", headers=writer)
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/forecasts/", payload, content_type="application/json", headers=writer)
    assert again.status_code == 200 and again.json() == first.json()
    assert PurchaseForecast.objects.get().place_name == "Vitry-sur-Seine (94)"
    assert (
        client.get(f"/api/v1/forecasts/{first.json()['id']}", headers=writer).json()["title"]
        == payload["title"]
    )
    bad = client.post(
        "/api/v1/forecasts/",
        {**payload, "sector": "licornes"},
        content_type="application/json",
        headers=writer,
    )
    assert bad.status_code == 400 and bad.json()["errors"] == [
        {"field": "sector", "message": "Secteur inconnu : licornes."}
    ]


def test_calls_are_rate_limited_per_token(client, world, writer, settings) -> None:
    settings.ESSAIM_RATE_LIMITS = {**settings.ESSAIM_RATE_LIMITS, "api": {"limit": 2, "seconds": 3600}}
    assert client.get("/api/v1/needs/", headers=writer).status_code == 200
    assert client.get("/api/v1/forecasts/", headers=writer).status_code == 200
    limited = client.get("/api/v1/needs/", headers=writer)
    assert limited.status_code == 429 and "réessayez" in limited.json()["detail"]
    _, other = api_token_create(actor=None, organisation=world.buyer_org, name="Autre")
    assert client.get("/api/v1/needs/", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_the_schema_documents_the_new_operations_with_examples(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/needs/",
        "/api/v1/needs/{need_id}",
        "/api/v1/forecasts/",
        "/api/v1/forecasts/{forecast_id}",
    } <= set(schema["paths"])
    need_in = schema["components"]["schemas"]["NeedIn"]
    assert need_in["examples"][0]["external_reference"] == "MARCHES-2027-014"
    assert "needs:write" in schema["paths"]["/api/v1/needs/"]["post"]["description"]

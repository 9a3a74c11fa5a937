"""The renewal radar's pages: per buyer and for the territory, filters, downloads, and one line becoming a
forecast told to the sector's followers in their next digest; who may create it."""

from __future__ import annotations

import csv
import html
import io
import re

import duckdb
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from essaim.accounts.models import Organisation
from essaim.core.models import AuditLog
from essaim.directory import services as directory_services
from essaim.directory.models import Sector, Structure
from essaim.sourcing import notifications
from essaim.sourcing.models import PurchaseForecast, SupplierPreference
from tests.territory_support import make_small_territory

from .conftest import make_renewals_store

pytestmark = pytest.mark.django_db
WINDOW = {"debut": "2026-01-01", "mois": "18"}


@pytest.fixture
def radar(tmp_path, settings, world):
    make_small_territory()
    settings.INSIGHT_DB = str(make_renewals_store(tmp_path / "radar.duckdb"))
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    Organisation.objects.filter(pk=world.other_buyer_org.pk).update(siren="219400413")
    for name, commune, kinds in (("Net'Insertion", "94081", ["EI"]), ("Propre Ivry", "94041", [])):
        directory_services.structure_create(
            actor=None,
            data={"name": name, "commune": commune, "inclusion_kinds": kinds, "email": "contact@propre.fr"},
            activities=[directory_services.ActivityInput(sector="proprete", perimeters=("epci:200058014",))],
            organisation=None,
            status=Structure.Status.PUBLISHED,
        )
    return settings.INSIGHT_DB


def _text(response) -> str:
    """The page's text, tags removed, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).replace("\u202f", " ").split())


def _get(client, **params):
    return client.get(reverse("insight:renewals"), {**WINDOW, **params})


def test_a_buyer_sees_its_own_contracts_first_with_the_local_structures(client_as, radar) -> None:
    response = _get(client_as("buyer"))
    page = _text(response)
    assert "Marchés à renouveler : Ville de Vitry-sur-Seine" in page
    assert "3 marchés sur 3 arrivent à échéance" in page
    assert "Nettoyage des écoles" in page and "Nettoyage des gymnases" not in page  # Ivry's
    assert "1 marché de cet acheteur n'a pas de date de fin calculable" in page
    assert (
        "Propreté" in page and "?sector=proprete&amp;works_in=epci%3A200058014" in response.content.decode()
    )
    assert "Créer une prévision" in page


def test_the_territory_lists_every_member_and_filters_narrow_it(client_as, radar) -> None:
    client = client_as("supplier")
    page = _text(_get(client, acheteur="epci:200058014"))
    assert "6 marchés sur 6" in page
    assert "Nettoyage des gymnases" in page and "Travaux de voirie" in page
    assert "Nettoyage à Créteil" not in page  # outside the EPT
    assert "Créer une prévision" not in page  # a supplier does not publish a buyer's forecasts
    filtered = _text(_get(client, acheteur="epci:200058014", secteur="proprete"))
    assert "3 marchés sur 6 arrivent à échéance" in filtered and "Blanchisserie" not in filtered
    by_type = _text(_get(client, acheteur="epci:200058014", type="travaux"))
    assert "1 marché sur 6" in by_type and "Travaux de voirie" in by_type
    by_band = _text(_get(client, acheteur="epci:200058014", montant="gte-1m"))
    assert "1 marché sur 6" in by_band and "Travaux de voirie" in by_band
    reservable = _text(_get(client, acheteur="epci:200058014", reservable="on"))
    assert "Nettoyage des écoles" in reservable and "Blanchisserie" not in reservable


def test_the_advice_reserves_a_lot_where_an_insertion_structure_can_answer(client_as, radar) -> None:
    page = _text(_get(client_as("partner"), acheteur="219400819"))
    assert "Prévoir un lot réservé : marché réservé aux structures d'insertion" in page


def test_bad_input_is_shown_next_to_its_field_never_a_server_error(client_as, radar) -> None:
    client = client_as("buyer")
    response = _get(client, identifiant="12345", mois="500")
    assert response.status_code == 200
    page = _text(response)
    assert "n'est ni un SIRET, ni un SIREN" in page and "inférieure ou égale à 120" in page
    unknown = _text(_get(client, identifiant="epci:200000000"))
    assert "EPCI inconnu" in unknown


def test_the_downloads_carry_the_listed_lines(client_as, radar) -> None:
    client = client_as("facilitator")
    response = _get(client, acheteur="epci:200058014", secteur="proprete", format="csv")
    assert response["Content-Disposition"].startswith('attachment; filename="marches-a-renouveler-epci-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Échéance" and len(rows) == 4
    assert rows[1][4] == "Nettoyage des écoles" and rows[1][10] == "120000" and rows[1][15] == "2"
    xlsx = _get(client, acheteur="epci:200058014", format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 7 and sheet["E2"].value == "Blanchisserie"


def test_a_store_without_end_dates_says_so(client_as, radar) -> None:
    con = duckdb.connect(radar)
    con.execute("ALTER TABLE contracts DROP COLUMN ends_on")
    con.close()
    page = _text(_get(client_as("buyer")))
    assert "relancez l'import des DECP" in page


def _forecast_url(buyer_siret: str = "21940081900018", contract_id: str = "R-01") -> str:
    return f"{reverse('insight:renewal_forecast')}?acheteur={buyer_siret}&marche={contract_id}"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("facilitator", 200),
        ("buyer", 200),
        ("buyer_admin", 200),
        ("other_buyer", 403),  # Ivry never publishes Vitry's forecasts
        ("supplier", 403),
        ("partner", 403),
        ("superuser", 200),
    ],
)
def test_who_may_create_a_forecast_from_a_contract(client_as, radar, role, status) -> None:
    client = client_as(role)
    assert client.get(_forecast_url()).status_code == status
    assert client.post(_forecast_url(), _form_data()).status_code in ((status,) if status == 403 else (302,))
    assert PurchaseForecast.objects.exists() == (status == 200)


def test_an_unknown_contract_is_a_404(client_as, radar) -> None:
    assert client_as("facilitator").get(_forecast_url(contract_id="nope")).status_code == 404


def _form_data(**overrides):
    sector = Sector.objects.get(slug="proprete", parent__isnull=True)
    data = {
        "title": "Nettoyage des écoles",
        "year": timezone.localdate().year + 1,
        "quarter": 1,
        "sector": sector.pk,
        "place_code": "94081",
        "amount_band": "90k-221k",
        "procedure": "reserve",
        "reference": "DECP R-01",
    }
    data.update(overrides)
    return data


def test_the_form_is_prefilled_from_the_contract(client_as, radar) -> None:
    form = client_as("buyer").get(_forecast_url()).context["form"]
    assert form.initial["title"] == "Nettoyage des écoles"
    assert (form.initial["year"], form.initial["quarter"]) == (2026, 1)  # ends on 15 March 2026
    assert form.initial["sector"] == Sector.objects.get(slug="proprete", parent__isnull=True).pk
    assert form.initial["amount_band"] == "90k-221k" and form.initial["reference"] == "DECP R-01"
    assert form.initial["place_code"] == "94081"  # the buyer's commune (the contract names no place)
    assert (
        form.initial["procedure"] == "mapa"
    )  # a lot reserved, not the whole contract: under the EU threshold


def test_a_facilitator_publishes_it_for_the_buyer_and_the_sector_followers_get_it_in_the_digest(
    client_as, radar, world, django_capture_on_commit_callbacks
) -> None:
    follower = Structure.objects.get(name="Propre Ivry")
    preference = SupplierPreference.objects.create(structure=follower)
    preference.digest_sectors.set([Sector.objects.get(slug="proprete", parent__isnull=True)])
    response = client_as("facilitator").post(_forecast_url(), _form_data())
    forecast = PurchaseForecast.objects.get()
    assert response["Location"] == reverse("sourcing:forecast_detail", args=[forecast.pk])
    assert forecast.buyer == world.buyer_org  # found by its SIREN, not created again
    assert AuditLog.objects.filter(action="forecast.from_renewal", object_id=str(forecast.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digest(preference.pk)
    assert mail.outbox[-1].to == ["contact@propre.fr"] and "Nettoyage des écoles" in mail.outbox[-1].body
    again = client_as("facilitator").post(_forecast_url(), _form_data())
    assert "Une prévision porte déjà cette référence" in _text(again)  # one forecast per contract


def test_a_buyer_unknown_to_essaim_is_created_from_the_contract_siret(client_as, radar) -> None:
    client_as("facilitator").post(
        _forecast_url("20005801400016", "R-08"),
        _form_data(
            title="Travaux de voirie",
            reference="DECP R-08",
            sector=Sector.objects.get(slug="batiment-travaux", parent__isnull=True).pk,
        ),
    )
    forecast = PurchaseForecast.objects.get()
    assert forecast.buyer.siret == "20005801400016" and forecast.buyer.kind == Organisation.Kind.BUYER

"""The insight pages: choosing a buyer, the report with its figures and downloads, the rejected records."""

from __future__ import annotations

import csv
import html
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essaim.accounts.models import Organisation
from essaim.directory import services as directory_services
from essaim.directory.models import Structure
from essaim.insight.decp_cleaning import REJECTION_LABELS
from essaim.sourcing.models import Collaboration
from tests.pdf_support import assert_tagged_pdf
from tests.territory_support import make_small_territory

from .conftest import make_report_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_path(tmp_path, settings):
    make_small_territory()
    path = make_report_store(tmp_path / "views.duckdb")
    settings.INSIGHT_DB = str(path)
    return path


def _report_url(buyer: str = "219400819", year: int = 2025) -> str:
    return reverse("insight:report", kwargs={"buyer": buyer, "year": year})


def _text(response) -> str:
    text = html.unescape(response.content.decode())
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_home_lists_the_territory_buyers_and_redirects_to_the_chosen_report(client_as, store_path) -> None:
    client = client_as("buyer")
    page = _text(client.get(reverse("insight:home")))
    assert "Grand-Orly Seine Bièvre et ses communes membres" in page
    assert "Ville de Vitry-sur-Seine" in page and "Ville de Créteil" not in page
    response = client.get(reverse("insight:home"), {"acheteur": "epci:200058014", "annee": "2025"})
    assert response.status_code == 302 and response["Location"] == _report_url("epci:200058014")
    typed = client.get(reverse("insight:home"), {"identifiant": "219 400 819", "annee": "2025"})
    assert typed["Location"] == _report_url("219400819")


def test_home_refuses_a_bad_identifier_next_to_its_field(client_as, store_path) -> None:
    response = client_as("buyer").get(reverse("insight:home"), {"identifiant": "12345", "annee": "2025"})
    assert response.status_code == 200
    assert "n'est ni un SIRET, ni un SIREN" in _text(response)
    assert "<title>Erreur" in response.content.decode()


def test_report_page_shows_the_hand_computed_figures(client_as, store_path) -> None:
    response = client_as("supplier").get(_report_url())
    assert response.status_code == 200
    page = _text(response)
    assert "Ville de Vitry-sur-Seine" in page
    assert "6 320 000 €" in page  # total without the outlier
    assert "16,7 %" in page and "50,0 %" in page  # social and environmental shares
    assert "13,3 points à gagner" in page  # 30 % target
    assert "48 — Logiciels et systèmes d'information" in page
    assert page.count('src="data:image/svg+xml;base64,') == 4 and page.count("<caption>") >= 10
    assert 'th scope="col"' in response.content.decode()


def test_opportunities_list_the_territory_structures_and_their_reservations(client_as, store_path) -> None:
    directory_services.structure_create(
        actor=None,
        data={
            "name": "Net'Insertion",
            "commune": "94081",
            "inclusion_kinds": ["EI"],
            "ess_families": ["association"],
        },
        activities=[directory_services.ActivityInput(sector="proprete", perimeters=("epci:200058014",))],
        organisation=None,
        status=Structure.Status.PUBLISHED,
    )
    directory_services.structure_create(
        actor=None,
        data={"name": "Propre Ailleurs", "commune": "94028", "inclusion_kinds": ["EI"]},
        activities=[directory_services.ActivityInput(sector="proprete", perimeters=("94028",))],
        organisation=None,
        status=Structure.Status.PUBLISHED,
    )
    page = _text(client_as("buyer").get(_report_url()))
    assert "Net'Insertion" in page and "Propre Ailleurs" not in page
    assert "aux marchés réservés insertion (L2113-13)" in page


def test_collaborations_recorded_for_the_buyer_organisation_are_listed(client_as, store_path, world) -> None:
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    Collaboration.objects.create(
        buyer=world.buyer_org,
        supplier=world.supplier_org,
        date=date(2025, 5, 1),
        source=Collaboration.Source.EVENT,
        status=Collaboration.Status.COLLABORATION,
        amount=12000,
    )
    Collaboration.objects.create(
        buyer=world.other_buyer_org, supplier=world.supplier_org, date=date(2025, 5, 1), source="sourcing"
    )
    page = _text(client_as("buyer").get(_report_url()))
    assert "Rejoué" in page and "12 000 €" in page
    assert "Ville d'Ivry-sur-Seine</td>" not in page


def test_report_downloads_carry_the_same_figures(client_as, store_path) -> None:
    client = client_as("partner")
    response = client.get(_report_url(), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="spaser-219400819-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["acheteur", "annee", "section", "ligne", "colonne", "valeur"]
    assert [
        "219400819",
        "2025",
        "Synthèse",
        "Montant total (€ HT, hors montants aberrants)",
        "Valeur",
        "6320000",
    ] in rows
    xlsx = client.get(_report_url(), {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "Opportunités" in workbook.sheetnames
    sheet = workbook["Par famille CPV (division)"]
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == [
        "48 — Logiciels et systèmes d'information",
        1,
        6000000.0,
    ]


def test_report_pdf_text_contains_the_key_numbers(client_as, store_path) -> None:
    from pypdf import PdfReader

    response = client_as("facilitator").get(_report_url(), {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert_tagged_pdf(response.content, "Rapport d'achat responsable 2025")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).replace("\u202f", " ").split())
    for expected in (
        "Rapport d'achat responsable 2025",
        "219400819",
        "6 320 000 €",
        "16,7 %",
        "50,0 %",
        "Objectif PNAD",
        "6 000 000 €",
    ):
        assert expected in text, expected


def test_report_without_data_says_so_in_french(client_as, tmp_path, settings) -> None:
    make_small_territory()
    settings.INSIGHT_DB = str(tmp_path / "absent.duckdb")
    response = client_as("buyer").get(_report_url("epci:200058014"))
    assert response.status_code == 200
    assert "ne sont pas encore disponibles" in response.content.decode()
    settings.INSIGHT_DB = ":memory:"
    response = client_as("buyer").get(_report_url("epci:200058014"))
    assert response.status_code == 200 and "Aucun marché notifié en 2025" in response.content.decode()


def test_bad_identifiers_and_years_never_give_a_500(client_as, store_path) -> None:
    client = client_as("buyer")
    assert client.get(_report_url("pas-un-siren")).status_code == 404
    assert client.get(_report_url("epci:200000000")).status_code == 404  # unknown EPCI
    assert client.get(_report_url(year=1990)).status_code == 404


def test_rejected_records_are_shown_to_facilitators_with_their_reason(client_as, store_path) -> None:
    response = client_as("facilitator").get(reverse("insight:rejected"))
    page = _text(response)
    assert "Marché publié sans numéro" in page and "Publication sans identifiant" in page
    assert not [code for code in REJECTION_LABELS if code in page]  # never a code such as id_missing
    assert client_as("buyer").get(reverse("insight:rejected")).status_code == 403


@pytest.mark.parametrize("page", ["0", "-3", "abc", str(10**30)])
def test_any_rejected_records_page_number_is_served(client_as, store_path, page: str) -> None:
    # A huge page number used to overflow DuckDB's OFFSET: a server error.
    assert client_as("facilitator").get(reverse("insight:rejected"), {"page": page}).status_code == 200


def test_report_page_query_count_does_not_grow_with_the_data(
    client_as,
    store_path,
    django_assert_max_num_queries,
) -> None:
    client = client_as("buyer")
    client.get(_report_url())  # warm the session and the caches
    # session, user, memberships, EPCI members, names, one directory query per opportunity (≤ 5),
    # collaborations, holder names: bounded whatever the number of contracts.
    with django_assert_max_num_queries(25):
        assert client.get(_report_url("epci:200058014")).status_code == 200

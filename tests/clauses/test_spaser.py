"""The SPASER report's « Clauses sociales d'insertion » section: on the page, in the PDF and the
spreadsheets, with the same secrecy as the dashboards; registered by the clauses app (insight never imports
it)."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from essaim.insight import sections
from tests.insight.conftest import make_report_store
from tests.territory_support import make_small_territory

from .factories import declare, make_contract, make_mission, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tmp_path, settings, world):  # noqa: ANN001, ANN201
    make_small_territory()
    settings.INSIGHT_DB = str(make_report_store(tmp_path / "report.duckdb"))
    world.buyer_org.siren = "219400819"
    world.buyer_org.save()
    contract = make_contract(
        world.buyer_org, world.supplier_org, start=date(2025, 1, 1), end=date(2025, 12, 31)
    )
    for index in range(6):
        person = make_participant(eligibility="rsa" if index < 5 else "rqth")
        declare(make_mission(contract, person), date(2025, 3, 1), 30)
    return contract


def text(response) -> str:  # noqa: ANN001
    """The page's text, without tags."""
    plain = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(plain).replace("\u202f", " ").split())


def test_the_section_is_registered_by_the_clauses_app() -> None:
    assert [s.key for s in sections.registered()] == ["clauses-sociales"]


def test_the_report_shows_the_clauses_of_the_buyer_with_small_counts_hidden(client_as, report) -> None:  # noqa: ANN001
    client = client_as("buyer")
    page = text(client.get(reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025})))
    assert "Clauses sociales d'insertion" in page
    assert "1 marché suivi" in page and "833 heures dues" in page and "6 personnes en insertion" in page
    assert "Allocataire du RSA 5" in page and "< 5" in page
    workbook = load_workbook(
        io.BytesIO(
            client.get(
                reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025}), {"format": "xlsx"}
            ).content
        )
    )
    assert any(name.startswith("Clauses sociales d") for name in workbook.sheetnames)
    csv_text = client.get(
        reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025}), {"format": "csv"}
    ).content.decode("utf-8-sig")
    assert "Clauses sociales d'insertion;Heures d'insertion dues;Valeur;833" in csv_text


def test_another_buyer_reads_that_no_clause_is_followed(client_as, report) -> None:  # noqa: ANN001
    page = text(
        client_as("buyer").get(reverse("insight:report", kwargs={"buyer": "219400413", "year": 2025}))
    )
    assert "Aucun marché à clause sociale d'insertion de cet acheteur n'est suivi" in page


def test_the_pdf_carries_the_section(client_as, report) -> None:  # noqa: ANN001
    response = client_as("buyer").get(
        reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025}), {"format": "pdf"}
    )
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Clauses sociales d'insertion" in pdf and "833" in pdf


def test_a_year_without_published_contracts_still_shows_the_clauses(client_as, report, world) -> None:  # noqa: ANN001
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        reference="2023-TX",
        start=date(2023, 1, 1),
        end=date(2023, 12, 31),
    )
    declare(make_mission(contract, make_participant()), date(2023, 1, 1), 20)
    page = text(
        client_as("buyer").get(reverse("insight:report", kwargs={"buyer": "219400819", "year": 2023}))
    )
    assert "Aucun marché notifié en 2023" in page
    assert "2023-TX" in page and "1 personne en insertion" in page

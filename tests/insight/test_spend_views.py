"""The spend pages: a buyer uploads its file and reads its shares; a facilitator does it for a buyer; a
buyer never sees another buyer's spend; bad files are refused next to their field."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.accounts.models import Organisation
from essaim.insight.models import SpendImport

from .conftest import make_report_store
from .spend_support import make_spend_world, spend_csv, spend_xlsx

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).replace("\u202f", " ").replace("\u00a0", " ").split())


def _upload(client, content: bytes = b"", filename: str = "depenses.csv", **data):
    payload = {
        "year": 2025,
        "ttc": "ht",
        "file": SimpleUploadedFile(filename, content or spend_csv()),
        **data,
    }
    return client.post(reverse("insight:spend_upload"), payload)


@pytest.fixture
def spend_world(world):
    make_spend_world()
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    return world


def test_a_buyer_uploads_its_file_and_reads_its_shares(client_as, spend_world, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    client = client_as("buyer")
    response = _upload(client)
    assert response.status_code == 302 and response["Location"].endswith("?annee=2025")
    page = _text(client.get(response["Location"]))
    assert (
        "Dépenses 2025 importées : 8 lignes lues, 5 fournisseurs dont 3 trouvés dans l'annuaire, 2 lignes rejetées."
        in page
    )
    assert "Structures de l'ESS 70 000 € 34,8 % 2" in page
    assert "Structures inclusives (SIAE, EA, ESAT) 50 000 € 24,9 % 2" in page
    assert "ESS du territoire 20 000 € 10,0 % 1" in page
    assert "moins de 40 000 € HT dans l'année représentent 51 000 €" in page
    assert "SIRET invalide : 78945612600019" in page  # rejected rows are shown with their reason
    assert SpendImport.objects.get().buyer == spend_world.buyer_org
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # the file itself is not kept


def test_a_buyer_never_sees_another_buyers_spend(client_as, spend_world) -> None:
    _upload(client_as("buyer"))
    other = client_as("other_buyer")
    for params in ({}, {"acheteur": spend_world.buyer_org.pk, "annee": 2025}):
        page = _text(other.get(reverse("insight:spend"), params))
        assert "Ville d'Ivry-sur-Seine" in page and "Imprimerie coopérative" not in page
        assert "Aucun fichier de dépenses" in page
    for role in ("supplier", "partner"):
        assert client_as(role).get(reverse("insight:spend")).status_code == 403
        assert _upload(client_as(role)).status_code == 403
    assert SpendImport.objects.count() == 1


def test_a_facilitator_imports_for_a_buyer_named_by_its_siret_and_reads_it(client_as, spend_world) -> None:
    client = client_as("facilitator")
    response = _upload(client, spend_xlsx(), "depenses.xlsx", siret="219 400 819 00013", ttc="ttc")
    record = SpendImport.objects.get()
    assert record.ttc and record.buyer == spend_world.buyer_org  # found by its SIREN
    page = _text(client.get(response["Location"]))
    assert "Part d'achats inclusifs : Ville de Vitry-sur-Seine" in page and "Montants TTC" in page
    assert "Rejoué" in page
    _upload(client, siret="21940041300015")  # Ivry's SIRET: Essaim knows no organisation of it
    assert Organisation.objects.get(siret="21940041300015").kind == Organisation.Kind.BUYER


def test_a_bad_file_is_refused_next_to_its_field(client_as, spend_world) -> None:
    response = _upload(client_as("buyer"), b"siret;nom\n1;2\n")
    assert response.status_code == 200
    page = _text(response)
    assert "Colonne manquante : amount" in page
    assert "<title>Erreur" in response.content.decode()
    missing_choice = _upload(client_as("buyer"), ttc="")
    assert "Ce champ est obligatoire" in _text(missing_choice)  # HT or TTC is stated at upload
    assert not SpendImport.objects.exists()


def test_the_spaser_report_shows_the_shares_never_a_supplier(
    client_as, spend_world, settings, tmp_path
) -> None:
    settings.INSIGHT_DB = str(make_report_store(tmp_path / "report.duckdb"))
    _upload(client_as("buyer"))
    url = reverse("insight:report", kwargs={"buyer": "219400819", "year": 2025})
    page = _text(client_as("supplier").get(url))
    assert "Parts des dépenses 2025 auprès de l'ESS" in page
    assert "Ville de Vitry-sur-Seine 201 000 € HT 5 34,8 % 24,9 % 10,0 % 25,4 %" in page
    assert "Imprimerie coopérative" not in page and "Grand Groupe" not in page
    download = client_as("supplier").get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Part ESS du territoire" in download and "Grand Groupe" not in download


def test_the_spend_page_reads_in_as_many_queries_whatever_the_number_of_suppliers(
    client_as, spend_world
) -> None:
    client = client_as("buyer")
    counts = []
    for size in (3, 60):
        rows = [["", f"Fournisseur {n}", f"{100 + n},00", ""] for n in range(size)]
        _upload(client, spend_csv(rows))
        client.get(reverse("insight:spend"), {"annee": 2025})  # the message, per-person caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("insight:spend"), {"annee": 2025}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]

"""Purchase forecasts: one by one, or a purchase plan imported from CSV / XLSX (dry run by default, upserts
on the buyer's reference, rejected rows reported with reasons and kept); the digest command."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from essaim.directory.models import Sector
from essaim.sourcing import forecasts
from essaim.sourcing.models import ForecastImport, PurchaseForecast, SupplierPreference
from tests.territory_support import make_small_territory

from .factories import make_toy_structure

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year + 1
CSV = (
    "Objet;Année;Trimestre;Secteur;Lieu;Tranche;Procédure;Référence\n"
    f"Jouets des crèches;{YEAR};T2;jouets;94081;40k-90k;mapa;J-1\n"
    f"Nettoyage des vitres;{YEAR};3;Propreté;;lt-40k;Procédure adaptée (MAPA);N-1\n"
    f"Sans secteur;{YEAR};1;;;lt-40k;mapa;X-1\n"
    f"Mauvais trimestre;{YEAR};T7;jouets;;lt-40k;mapa;X-2\n"
    f"Lieu inconnu;{YEAR};1;jouets;99999;lt-40k;mapa;X-3\n"
).encode()


def run(world, content: bytes = CSV, filename: str = "plan.csv", commit: bool = False):
    return forecasts.forecast_import(
        actor=None, buyer=world.buyer_org, filename=filename, stream=io.BytesIO(content), commit=commit
    )


def test_dry_run_reports_and_writes_nothing_but_the_report(world) -> None:
    make_small_territory()
    report = run(world)
    assert (report.created, report.updated, len(report.rejected)) == (2, 0, 3)
    assert not PurchaseForecast.objects.exists()
    kept = ForecastImport.objects.get()
    assert not kept.committed and [r["line"] for r in kept.rejected] == [4, 5, 6]
    reasons = " ".join(" ".join(r["reasons"]) for r in kept.rejected)
    assert "« secteur » est vide" in reasons and "trimestre" in reasons and "Lieu inconnu : 99999" in reasons


def test_commit_then_reimport_is_idempotent(world) -> None:
    make_small_territory()
    run(world, commit=True)
    assert PurchaseForecast.objects.count() == 2
    toys = PurchaseForecast.objects.get(reference="J-1")
    assert toys.quarter == 2 and toys.place_name == "Vitry-sur-Seine (94)" and toys.sector.slug == "jouets"
    report = run(world, commit=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    changed = CSV.replace(b"40k-90k", b"90k-221k")
    assert run(world, content=changed, commit=True).updated == 1


def test_xlsx_import_and_bad_files(world) -> None:
    workbook = Workbook()
    workbook.active.append(["objet", "annee", "trimestre", "secteur", "tranche", "procedure"])
    workbook.active.append(["Repas", YEAR, 1, "restauration-collective", "gte-1m", "formalisee"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run(world, content=buffer.getvalue(), filename="plan.xlsx", commit=True).created == 1
    for content, filename, message in [
        (b"objet;annee\nA;2027\n", "plan.csv", "Colonnes manquantes"),
        (b"not a zip", "plan.xlsx", "XLSX"),
        (b"x", "plan.pdf", "CSV ou XLSX"),
        ("objet;année".encode("cp1252"), "plan.csv", "Colonnes manquantes : trimestre"),
    ]:
        with pytest.raises(forecasts.ForecastError, match=message):
            run(world, content=content, filename=filename)


def test_a_plan_written_in_windows_1252_is_read(world) -> None:
    make_small_territory()
    content = CSV.decode().replace("crèches", "crèches d'été").encode("cp1252")
    report = run(world, content=content, commit=True)
    assert report.created == 2
    assert PurchaseForecast.objects.filter(title="Jouets des crèches d'été").exists()


def test_import_page_shows_rejected_rows(client_as, world) -> None:
    make_small_territory()
    response = client_as("buyer").post(
        reverse("sourcing:forecast_import"), {"file": SimpleUploadedFile("plan.csv", CSV), "commit": "on"}
    )
    page = response.content.decode()
    assert "2 créées" in page and "3 rejetées" in page and "Mauvais trimestre" in page
    assert PurchaseForecast.objects.count() == 2
    assert (
        "Jouets des crèches" in client_as("supplier").get(reverse("sourcing:forecast_list")).content.decode()
    )


def test_forecast_form(client_as, world) -> None:
    make_small_territory()
    data = {
        "title": "Vélos",
        "year": YEAR,
        "quarter": "1",
        "sector": Sector.objects.get(slug="velo").pk,
        "amount_band": "lt-40k",
        "procedure": "mapa",
    }
    assert client_as("buyer").post(reverse("sourcing:forecast_create"), data).status_code == 302
    page = (
        client_as("buyer").post(reverse("sourcing:forecast_create"), {**data, "year": 1990}).content.decode()
    )
    assert "L&#x27;année doit être comprise" in page
    assert client_as("supplier").post(reverse("sourcing:forecast_create"), data).status_code == 403


def test_digest_command_sends_new_forecasts(world, django_capture_on_commit_callbacks) -> None:
    make_small_territory()
    structure = make_toy_structure(email="digest@exemple.fr")
    preference = SupplierPreference.objects.create(structure=structure)
    preference.digest_sectors.set([Sector.objects.get(slug="jeux-jouets")])
    run(world, commit=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sourcing_digest", stdout=io.StringIO())
    assert mail.outbox[-1].to == ["digest@exemple.fr"] and "Jouets des crèches" in mail.outbox[-1].body
    call_command("sourcing_tick", stdout=io.StringIO())

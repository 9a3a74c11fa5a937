"""The report page with data, opened in chromium: accessible (axe-core), one h1, charts with tables."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from essaim.accounts.models import Organisation
from tests.browser_support import axe_violations, login_as
from tests.territory_support import make_small_territory

from .collaboration_support import make_followed, make_followed_store
from .conftest import make_renewals_store, make_report_store
from .spend_support import make_spend_world, spend_csv


def test_full_report_is_accessible_and_choosing_a_buyer_opens_it(
    page: Page,
    client,
    world,
    settings,
    tmp_path,
) -> None:
    make_small_territory()
    settings.INSIGHT_DB = str(make_report_store(tmp_path / "browser.duckdb"))
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("insight:home"))
    assert axe_violations(page) == []
    page.get_by_label("Acheteur du territoire").select_option("219400819")
    page.get_by_label("Année de notification").select_option("2025")
    page.get_by_role("button", name="Afficher le rapport").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ville de Vitry-sur-Seine")
    assert page.locator("h1").count() == 1
    charts = page.locator("figure.chart img")
    assert charts.count() == 4
    # Drawn: each chart's SVG (a data: image, allowed by the Content-Security-Policy) has a size.
    assert all(width > 0 for width in charts.evaluate_all("images => images.map(i => i.naturalWidth)"))
    expect(
        page.get_by_role("table", name="Marchés par famille CPV (division, deux premiers chiffres du code)")
    ).to_be_visible()
    assert page.title().startswith("Rapport 2025 — Ville de Vitry-sur-Seine")
    violations = axe_violations(page)
    assert violations == [], violations


def test_rejected_records_page_is_accessible(page: Page, client, world, settings, tmp_path) -> None:
    settings.INSIGHT_DB = str(make_report_store(tmp_path / "rejected.duckdb"))
    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("insight:rejected"))
    expect(page.get_by_role("table", name="Rejets par motif")).to_contain_text("Marché publié sans numéro")
    violations = axe_violations(page)
    assert violations == [], violations


def test_renewal_radar_and_the_forecast_form_are_accessible(
    page: Page, client, world, settings, tmp_path
) -> None:
    make_small_territory()
    settings.INSIGHT_DB = str(make_renewals_store(tmp_path / "radar.duckdb"))
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("insight:renewals") + "?debut=2026-01-01&mois=18")
    table = page.get_by_role("table", name="Marchés arrivant à échéance, par date de fin")
    expect(table).to_contain_text("Nettoyage des écoles")
    violations = axe_violations(page)
    assert violations == [], violations
    page.get_by_role("link", name="Créer une prévision pour « Nettoyage des écoles »").click()
    expect(page.get_by_label("Objet de l'achat")).to_have_value("Nettoyage des écoles")
    violations = axe_violations(page)
    assert violations == [], violations


def test_spend_upload_and_the_spend_page_are_accessible(page: Page, client, world, tmp_path) -> None:
    make_spend_world()
    path = tmp_path / "depenses-vitry-2025.csv"
    path.write_bytes(spend_csv())
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("insight:spend_upload"))
    violations = axe_violations(page)
    assert violations == [], violations
    page.get_by_label("Année des dépenses").fill("2025")
    page.get_by_label("hors taxes (HT)").check()
    page.get_by_label("Fichier de dépenses (CSV ou XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Part d'achats inclusifs")
    expect(page.get_by_role("table", name="Lignes rejetées et leur motif")).to_contain_text("SIRET invalide")
    violations = axe_violations(page)
    assert violations == [], violations


def test_a_collaboration_and_its_proposed_contract_are_accessible(
    page: Page, client, world, settings, tmp_path
) -> None:
    settings.INSIGHT_DB = make_followed_store(tmp_path)
    record = make_followed(world)
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("insight:collaborations"))
    expect(page.get_by_role("table")).to_contain_text("1 marché proposé")
    violations = axe_violations(page)
    assert violations == [], violations
    page.goto(reverse("insight:collaboration", args=[record.pk]))
    page.get_by_role("button", name="Confirmer ce marché").click()
    expect(page.locator("main")).to_contain_text("Marché n° F-1")
    violations = axe_violations(page)
    assert violations == [], violations

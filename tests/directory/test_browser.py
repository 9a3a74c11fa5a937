"""The search page in a real browser: live update with htmx, filters and facet counts, the URL holding the
whole query, the same page without JavaScript; axe-core after each change."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from essaim.directory.demo import load_demo_structures
from essaim.directory.models import Structure
from tests.browser_support import axe_violations, login_as

from .factories import ensure_sectors, make_territory


def with_htmx(page: Page) -> None:
    """Wait until htmx (served from the project's static files) has started on the page."""
    page.wait_for_function("typeof htmx !== 'undefined'")


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def facet_label(page: Page, name: str, code: str):
    return page.locator(f"label[for='f-{name}-{code}']")


def test_search_updates_live_and_keeps_the_query_in_the_url(page: Page, client, world) -> None:
    make_territory()
    ensure_sectors()
    load_demo_structures()
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("directory:search"))
    with_htmx(page)
    title = page.locator("#results-title")
    everything = title.inner_text()
    all_facets = page.locator(".facet__count").all_inner_texts()
    assert axe_violations(page) == []

    page.get_by_label("Que cherchez-vous ?").fill("jouets de réemploi")  # htmx: input, 400 ms delay
    expect(page).to_have_url(re.compile(r"q=jouets"))
    expect(title).not_to_have_text(everything)
    expect(page.locator(".directory-hit h3").first).to_have_text("Rejoué")
    assert query_of(page)["q"] == ["jouets de réemploi"]
    assert page.locator(".facet__count").all_inner_texts() != all_facets  # counted on the matches
    assert axe_violations(page) == []

    page.get_by_label("Intervient à").fill(
        "Vitry"
    )  # the place picker: a suggestion, chosen with the keyboard
    expect(page.get_by_role("option", name=re.compile(r"^Vitry-sur-Seine \(94\)"))).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Intervient à")).to_have_value("Vitry-sur-Seine (94)")
    expect(page).to_have_url(re.compile(r"works_in=94081"))  # the address keeps the code
    expect(page.locator(".directory-hit h3").first).to_have_text("Rejoué")
    # No request still running (the picker's choice may fire a second one): read settled facet counts.
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    assert axe_violations(page) == []

    association = facet_label(page, "family", "association")
    association_count = int(re.search(r"\((\d+)\)", association.inner_text()).group(1))
    page.get_by_role("checkbox", name=re.compile(r"^Association")).check()  # htmx: change
    expect(page).to_have_url(re.compile(r"family=association"))
    expect(title).to_contain_text(f"{association_count} structure")  # the facet count was the right one
    expect(page.get_by_role("checkbox", name=re.compile(r"^Association"))).to_be_checked()
    query = query_of(page)
    assert query["q"] == ["jouets de réemploi"] and query["works_in"] == ["94081"]
    assert query["family"] == ["association"]
    assert axe_violations(page) == []

    # Reloading the URL gives the same page: the URL holds the whole query.
    shown = [h.inner_text() for h in page.locator(".directory-hit h3").all()]
    page.reload()
    with_htmx(page)
    assert [h.inner_text() for h in page.locator(".directory-hit h3").all()] == shown
    expect(page.get_by_label("Que cherchez-vous ?")).to_have_value("jouets de réemploi")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Association"))).to_be_checked()


def test_search_works_without_javascript(chromium: Browser, live_server, transactional_db) -> None:
    make_territory()
    ensure_sectors()
    load_demo_structures()
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(reverse("directory:search"))
        page.get_by_label("Que cherchez-vous ?").fill("jouets de réemploi")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"q=jouets"))
        expect(page.locator(".directory-hit h3").first).to_have_text("Rejoué")
        page.get_by_role("checkbox", name=re.compile(r"^Association")).check()
        page.get_by_role("button", name="Appliquer les filtres").click()
        expect(page).to_have_url(re.compile(r"family=association"))
        assert query_of(page)["q"] == ["jouets de réemploi"]
        expect(page.get_by_role("checkbox", name=re.compile(r"^Association"))).to_be_checked()
        expect(page.locator(".directory-hit h3").first).to_have_text("Rejoué")
    finally:
        context.close()


def test_member_edits_activities_with_place_suggestions(page: Page, client, world) -> None:
    make_territory()
    ensure_sectors()
    load_demo_structures()
    structure = Structure.objects.get(source="demo", source_id="rejoue")
    Structure.objects.filter(pk=structure.pk).update(organisation=world.supplier_org)
    login_as(page, client, world.users["supplier"])
    page.goto(reverse("directory:edit", args=[structure.pk]))
    assert axe_violations(page) == []
    blocks = page.locator("fieldset.directory-activity")
    new = blocks.last
    new.get_by_label("Secteur").select_option("velo")
    field = new.get_by_label("Où intervenez-vous ?")
    field.fill("Vitry")  # suggestions from the territory, by name; the last place of the list is completed
    page.get_by_role("option", name=re.compile(r"^Vitry-sur-Seine \(94\)")).click()
    expect(field).to_have_value("Vitry-sur-Seine (94), ")
    field.press_sequentially("Val-de")
    expect(page.get_by_role("option", name=re.compile(r"^Val-de-Marne \(94\)"))).to_be_visible()
    assert axe_violations(page) == []  # with the suggestions open
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Vitry-sur-Seine (94), Val-de-Marne (94), ")
    field.press_sequentially("Nulle-Part")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("fieldset.directory-activity").last).to_contain_text(
        "Aucun lieu ne s'appelle « Nulle-Part »"
    )
    assert axe_violations(page) == []
    page.locator("fieldset.directory-activity").last.get_by_label("Où intervenez-vous ?").fill(
        "Vitry-sur-Seine, Grand-Orly Seine Bièvre"
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoué")
    assert "velo" in {a.sector.slug for a in structure.activities.select_related("sector")}


# --- Imports awaiting review, reported profiles (issue 13) ------------------------------------------------


def no_horizontal_scroll(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_facilitator_reviews_imports_side_by_side_at_320_px(page: Page, client, world, tmp_path) -> None:
    import shutil
    from pathlib import Path

    from essaim.directory.imports import run_import

    make_territory()
    ensure_sectors()
    fixtures = Path(__file__).parent / "fixtures"
    for name in ("data-inclusion-v1-structures.json", "data-inclusion-v1-services.json"):
        shutil.copy(fixtures / name, tmp_path / name)
    run_import(
        tmp_path / "data-inclusion-v1-structures.json",
        "data-inclusion",
        services_path=tmp_path / "data-inclusion-v1-services.json",
        commit=True,
    )
    login_as(page, client, world.users["facilitator"])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("core:review_list", args=["imports"]))
    expect(page.locator("input[type='checkbox'][name='items']")).to_have_count(4)
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) <= 0
    page.get_by_role("link", name="Chantier Vert de la Bièvre").click()
    expect(page.locator("h1")).to_have_text("Chantier Vert de la Bièvre")
    expect(page.get_by_text("Enregistrement de la source (Import data·inclusion)")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier").click()
    expect(page.locator("input[type='checkbox'][name='items']")).to_have_count(3)
    assert Structure.objects.get(name="Chantier Vert de la Bièvre").status == Structure.Status.PUBLISHED
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier les 3 éléments de cette page").click()
    expect(page.get_by_text("Rien n'attend votre décision.")).to_be_visible()
    assert Structure.objects.filter(status=Structure.Status.TO_REVIEW).count() == 0


def test_signaler_ce_profil_shows_its_errors_and_lands_in_the_queue(page: Page, client, world) -> None:
    make_territory()
    ensure_sectors()
    load_demo_structures()
    structure = Structure.objects.published().order_by("pk").first()
    login_as(page, client, world.users["buyer"])
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("directory:profile", args=[structure.pk]))
    page.get_by_role("link", name="Signaler ce profil").click()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page) <= 0
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_text("Choisissez le motif du signalement.").first).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("La structure a cessé son activité").check()
    page.get_by_label("Précisions (facultatif)").fill("Le local est fermé depuis juin.")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_text("votre signalement est transmis")).to_be_visible()
    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("core:review_list", args=["signalements"]))
    expect(page.get_by_role("link", name=structure.name)).to_be_visible()
    assert axe_violations(page) == []

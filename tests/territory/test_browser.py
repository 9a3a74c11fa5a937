"""The place picker in a real browser: suggestions by name on a 320 px screen, with the keyboard, axe-core
clean with the list open; without JavaScript a name typed by hand is resolved by the server."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.browser_support import axe_violations
from tests.directory.factories import ensure_sectors, make_territory


def test_place_suggestions_at_320_px_with_the_keyboard(page: Page) -> None:
    make_territory()
    ensure_sectors()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("directory:search"))
    field = page.get_by_label("Située à")
    field.fill("grand orly")  # accents, case and hyphens do not matter
    option = page.get_by_role("option", name=re.compile(r"^Grand-Orly Seine Bièvre"))
    expect(option).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".place-picker__status")).to_have_text(re.compile(r"lieux? suggérés?\.$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = page.get_by_role("listbox", name="Lieux suggérés").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert axe_violations(page) == []
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(field).to_have_value("Grand-Orly Seine Bièvre")
    expect(field).to_have_attribute("aria-expanded", "false")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"located_in=epci%3A200058014"))
    expect(page.get_by_label("Située à")).to_have_value("Grand-Orly Seine Bièvre")
    assert axe_violations(page) == []


def test_without_javascript_a_typed_name_is_resolved_or_explained(
    chromium: Browser, live_server, transactional_db
) -> None:
    make_territory()
    ensure_sectors()
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(reverse("directory:search"))
        page.get_by_label("Intervient à").fill("vitry")
        page.get_by_role("button", name="Rechercher").click()
        expect(page).to_have_url(re.compile(r"works_in=94081"))
        expect(page.get_by_label("Intervient à")).to_have_value("Vitry-sur-Seine (94)")
        page.get_by_label("Intervient à").fill("Nulle-Part")
        page.get_by_role("button", name="Rechercher").click()
        expect(page.locator("#id_works_in-errors")).to_contain_text("Aucun lieu ne s'appelle « Nulle-Part »")
        expect(page.get_by_label("Intervient à")).to_have_value("Nulle-Part")
    finally:
        context.close()

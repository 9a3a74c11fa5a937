"""Every page, opened in chromium at 320 px wide as a role allowed to see it, passes axe-core with no serious
or critical violation with its hidden parts open (every <details>, every tab), has no duplicate id, does not
scroll sideways, has a unique title, a skip link and one main landmark."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from essaim.privacy.views import DELETED_MESSAGE
from tests.accounts.factories import MemberFactory
from tests.browser_support import axe_violations, duplicate_ids, horizontal_overflow, login_as
from tests.url_matrix import DOWNLOADS, EXPECTED, OK

# The role used to open each page: the first one of these that gets a 200.
ROLE_PREFERENCE = ["anonymous", "buyer_admin", "facilitator", "supplier", "partner", "superuser"]


def pages_to_scan() -> list[tuple[str, str]]:
    scans = []
    for name, (_, expected) in sorted(EXPECTED.items()):
        if name in DOWNLOADS:
            continue
        role = next((r for r in ROLE_PREFERENCE if expected.get(r) == OK), None)
        if role is not None:
            scans.append((name, role))
    return scans


@pytest.mark.parametrize(("name", "role"), pages_to_scan())
def test_page_is_accessible(name: str, role: str, page: Page, client, world, samples) -> None:
    build_kwargs = EXPECTED[name][0]
    if role != "anonymous":
        login_as(page, client, world.users[role])
    page.set_viewport_size({"width": 320, "height": 800})
    response = page.goto(reverse(name, kwargs=build_kwargs(samples) if build_kwargs else None))
    assert response is not None and response.status == OK
    assert page.locator("main#contenu").count() == 1
    assert page.locator("a.skip-link[href='#contenu']").count() == 1
    assert page.evaluate("document.doctype && document.doctype.name") == "html"  # RGAA 8.1 (audit grid)
    sitemap = page.get_by_role("contentinfo").get_by_role("link", name="Plan du site")  # RGAA 12.4
    assert sitemap.count() == 1
    assert re.search(r"\S+ — ", page.title()), f"no page title on {name}"
    assert page.locator("h1").count() == 1, f"{name} must have exactly one h1"
    violations = axe_violations(page)  # every <details> opened, every tab shown
    assert violations == [], violations
    assert duplicate_ids(page) == [], f"duplicate ids on {name}"
    assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at 320 px (hidden parts open)"


def test_page_titles_are_unique(page: Page, client, world, samples) -> None:
    titles: dict[str, str] = {}
    login_as(page, client, world.users["buyer_admin"])
    for name, role in pages_to_scan():
        if role not in ("anonymous", "buyer_admin") or name.startswith("accounts:password_reset_c"):
            continue
        build_kwargs = EXPECTED[name][0]
        url = reverse(name, kwargs=build_kwargs(samples) if build_kwargs else None)
        page.goto(url)
        if not page.url.endswith(url):
            continue  # redirected (e.g. the login page for a logged-in person)
        title = page.title()
        assert title not in titles, f"{name} and {titles.get(title)} share the title {title!r}"
        titles[title] = name


def test_login_form_shows_errors_next_to_fields_and_logs_in(page: Page, world) -> None:
    page.goto(reverse("accounts:login"))
    page.get_by_label("Adresse électronique").fill("acheteur@exemple.fr")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect")
    assert axe_violations(page) == []
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    expect(page.locator("#contenu")).to_contain_text("Ville de Vitry-sur-Seine")


def test_contact_form_errors_are_tied_to_their_fields(page: Page, world) -> None:
    page.goto(reverse("core:contact"))
    page.get_by_label("Adresse électronique").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer le message").click()
    email = page.get_by_label("Adresse électronique")
    assert email.get_attribute("aria-invalid") == "true"
    described = email.get_attribute("aria-describedby") or ""
    assert "id_email-errors" in described
    expect(page.locator("#id_email-errors")).to_contain_text("adresse de courriel valide")
    assert page.title().startswith("Erreur")
    assert axe_violations(page) == []


def test_layout_holds_at_320_pixels_and_focus_is_visible(page: Page, world) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(reverse("core:home"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px at 320px"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [("/page-qui-n-existe-pas/", 404, "Page introuvable"), ("/annuaire/?q=a%00b", 400, "Requête incorrecte")],
)
def test_error_pages_are_accessible(page: Page, client, world, path: str, status: int, heading: str) -> None:
    login_as(page, client, world.users["buyer"])
    response = page.goto(path)
    assert response is not None and response.status == status
    expect(page.locator("h1")).to_have_text(heading)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_personal_data_page_states_periods_in_an_accessible_table(page: Page, world) -> None:  # noqa: ANN001
    page.goto(reverse("privacy:policy"))
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Durée de conservation")).to_be_visible()
    expect(table).to_contain_text("sans connexion depuis 2 ans")
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles")).to_be_visible()
    assert axe_violations(page) == []


def test_account_deletion_asks_for_the_password_then_signs_out(page: Page, client, world) -> None:  # noqa: ANN001
    MemberFactory(organisation=world.supplier_org, admin=True)  # the supplier is not the last admin
    login_as(page, client, world.users["supplier"])
    page.goto(reverse("privacy:my_data"))
    page.get_by_role("link", name="Supprimer mon compte…").click()
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    password = page.get_by_label("Mot de passe")
    assert password.get_attribute("aria-invalid") == "true"
    expect(page.locator("#id_password-errors")).to_contain_text("Mot de passe incorrect")
    assert page.title().startswith("Erreur")
    assert axe_violations(page) == []
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-2026")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("status")).to_contain_text(DELETED_MESSAGE)
    account_menu = page.get_by_role("navigation", name="Mon compte")
    expect(account_menu.get_by_role("link", name="Se connecter")).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/back-office/", "/back-office/accounts/organisation/", "/api/v1/docs"])
def test_back_office_and_api_docs_keep_to_the_content_security_policy(
    path: str,
    page: Page,
    client,
    world,
) -> None:
    # Pages outside our templates (Django's admin, the API's Swagger UI): the `page` fixture fails the test
    # on any Content-Security-Policy violation.
    login_as(page, client, world.users["superuser"])
    response = page.goto(path)
    assert response is not None and response.status == OK
    page.wait_for_load_state("networkidle")
    if path == "/api/v1/docs":  # Swagger UI drew the schema from our own static files
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Essaim")

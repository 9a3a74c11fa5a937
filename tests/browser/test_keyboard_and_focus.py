"""What a keyboard or screen-reader user meets (issue 17): focus after each htmx swap on a heading or a status
and one short announcement, selects committed without a request per arrowed option, error summaries
focused at load whose links open the right section, and four walks with Tab and Enter only (directory,
a need form with an error, the registration form, check-in)."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Locator, Page, Request, expect

from essaim.directory.demo import load_demo_structures
from essaim.events.models import Registration
from tests.browser_support import axe_violations, duplicate_ids, focused_element, login_as
from tests.cooperation.factories import make_group
from tests.directory.factories import ensure_sectors, make_territory
from tests.events.factories import meeting_event, register

MAX_TABS = 250


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until `target` has the focus: it must be reachable with the keyboard."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus with Tab")


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def htmx_requests(page: Page) -> list[str]:
    """The URLs of the htmx requests the page sends from now on (the list fills as they go)."""
    sent: list[str] = []

    def record(request: Request) -> None:
        if request.headers.get("hx-request") == "true":
            sent.append(request.url)

    page.on("request", record)
    return sent


def with_htmx(page: Page) -> None:
    page.wait_for_function("typeof htmx !== 'undefined' && document.getElementById('live-status') !== null")


def test_directory_with_the_keyboard_announces_counts_and_keeps_the_focus(page: Page, client, world) -> None:
    make_territory()
    ensure_sectors()
    load_demo_structures()
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("directory:search"))
    with_htmx(page)
    # The search landmark holds the form only; the results, their heading and the facets are outside it.
    search = page.get_by_role("search")
    assert search.locator("#results-title").count() == 0
    assert page.locator("#search-results[aria-live], #search-results [aria-live]").count() == 0
    title = page.locator("#results-title")
    total = int(re.search(r"\d+", title.inner_text()).group())
    assert total > 20, "the demo structures fill more than one page"

    # Arrowing through the options of "Trier par" sends nothing; Enter commits the choice.
    sent = htmx_requests(page)
    sort = page.get_by_label("Trier par")
    tab_to(page, sort)
    first = sort.input_value()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(800)
    assert sent == [], "a request per arrowed option"
    chosen = sort.input_value()
    assert chosen != first
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"sort={chosen}"))
    expect(page.locator("#live-status")).to_contain_text("trouvée")
    assert len(sent) == 1
    assert is_focused(sort), "the focus stays where the person is"

    # Type: the count is announced in a few words, the focus stays in the field.
    query = page.get_by_label("Que cherchez-vous ?")
    tab_to(page, query, backwards=True)
    page.keyboard.type("jouets")
    expect(page).to_have_url(re.compile(r"q=jouets"))
    expect(page.locator("#live-status")).to_have_text(re.compile(r"^\d+ structures? trouvées?"))
    assert len(page.locator("#live-status").inner_text()) < 120
    assert is_focused(query)

    # "Page suivante" with Enter: the focus lands on the results heading, not on <body>.
    page.goto(reverse("directory:search"))
    with_htmx(page)
    next_page = page.get_by_role("link", name="Page suivante")
    tab_to(page, next_page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("[aria-current=page]", has_text="Page 2")).to_be_visible()
    expect(page.locator("#results-title")).to_be_focused()  # once htmx has settled the new content
    assert focused_element(page)["tag"] == "h2"
    expect(page.locator("#live-status")).to_contain_text("structures trouvées")
    # The next Tab goes on in the results, not to the footer.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#search-results') !== null")
    assert duplicate_ids(page) == []
    assert axe_violations(page) == []


def test_group_page_forms_have_their_own_ids_and_the_summary_leads_to_the_right_field(
    page: Page, client, world
) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    login_as(page, client, world.users["supplier"])
    page.goto(reverse("cooperation:group_detail", args=[group.pk]))
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert duplicate_ids(page) == []
    # Each field named by its own label only (before: three forms' "id_title", one name for three fields).
    action = page.get_by_role("textbox", name="Action (obligatoire)", exact=True)
    expect(action).to_have_attribute("id", "id_action-title")
    expect(page.get_by_role("textbox", name="Titre (obligatoire)", exact=True)).to_have_attribute(
        "id", "id_meeting-title"
    )
    expect(page.get_by_role("textbox", name=re.compile(r"^Titre du document"))).to_have_attribute(
        "id", "id_document-title"
    )

    documents = page.locator("details", has=page.locator("#id_document-title"))
    documents.locator("#id_document-title").fill("Un exécutable")
    documents.locator("#id_document-file").set_input_files(
        {"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 pas un PDF"}
    )
    documents.get_by_role("button", name="Partager le document").click()
    # Back with the error: its summary has the focus (read at once), in the open document section.
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Type de fichier non accepté")
    assert summary.get_attribute("id") == "document-form-errors"
    # Its link leads to the document form's file field (before: to the action form, in a closed section).
    assert page.locator("details[open]").count() == 1
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_document-file")).to_be_focused()
    assert documents.evaluate("details => details.open")
    assert page.locator("details[open]").count() == 1
    assert axe_violations(page) == []


def test_a_need_form_with_an_error_with_tab_and_enter_only(page: Page, client, world) -> None:
    login_as(page, client, world.users["buyer_admin"])
    page.goto(reverse("sourcing:need_create"))
    submit = page.get_by_role("button", name="Enregistrer le besoin")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # not <body>: the summary is read first
    assert page.title().startswith("Erreur")
    first_link = summary.get_by_role("link").first
    href = first_link.get_attribute("href")
    assert href and href != "#", "each summary link leads to a field (radio groups: their first option)"
    page.keyboard.press("Tab")
    expect(first_link).to_be_focused()
    page.keyboard.press("Enter")
    field = page.locator(href)
    expect(field).to_be_focused()
    assert (
        field.get_attribute("aria-invalid") == "true"
        or field.locator("xpath=ancestor::fieldset").count() == 1
    )
    assert axe_violations(page) == []


def test_registration_form_with_tab_and_enter_only(page: Page, client, world) -> None:
    event = meeting_event(title="Matinale des achats socialement responsables")
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("events:event_detail", args=[event.pk]))
    tab_to(page, page.get_by_role("link", name="S'inscrire"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    role = page.get_by_label("Je participe comme")
    tab_to(page, role)
    if not role.input_value():
        page.keyboard.press("ArrowDown")
    tab_to(page, page.get_by_role("button", name="Confirmer mon inscription"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Inscription confirmée")
    assert Registration.objects.filter(event=event, user=world.users["buyer"]).exists()
    assert axe_violations(page) == []


def test_check_in_with_tab_and_enter_only_keeps_the_search_and_focuses_the_status(
    page: Page, client, world
) -> None:
    event = meeting_event()
    register(event, world.users["buyer"], organisation=world.buyer_org)
    login_as(page, client, world.users["facilitator"])
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(reverse("events:checkin", args=[event.pk]))
    field = page.get_by_label("Nom, adresse ou organisation")
    tab_to(page, field)
    page.keyboard.type("Vitry")
    page.keyboard.press("Enter")
    mark = page.get_by_role("button", name=re.compile(r"^Pointer l'arrivée"))
    expect(mark).to_have_count(1)
    tab_to(page, mark)
    page.keyboard.press("Enter")
    status = page.locator(".messages[role=status]")
    expect(status).to_contain_text("enregistrée")
    expect(status).to_be_focused()
    expect(page.get_by_label("Nom, adresse ou organisation")).to_have_value("Vitry")  # the search is kept
    expect(page.locator(".checkin-result__done")).to_contain_text("Arrivé à")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert axe_violations(page) == []

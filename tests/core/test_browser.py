"""Browser flows of a person's home page: what waits, its action, the navigation's badges; axe scans."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from essaim.cooperation import services as cooperation
from essaim.events import services as events
from tests.browser_support import axe_violations, login_as
from tests.cooperation.factories import make_resource, period
from tests.events.factories import meeting_event, register


def test_a_supplier_answers_a_meeting_request_from_its_home_and_the_badge_goes(
    page: Page, client, world
) -> None:
    event = meeting_event(title="Matinale des achats responsables")
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    events.meeting_request_create(
        actor=None, requester=buyer, recipient=supplier, priority=3, message="Jouets"
    )
    van = make_resource(world.supplier_org, title="Camion partagé")
    start, end = period(3)
    cooperation.booking_request(
        actor=None, resource=van, organisation=world.partner_org, starts_at=start, ends_at=end
    )
    login_as(page, client, world.users["supplier"])

    page.goto("/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Ce qui vous attend (2)")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name="Événements 1 en attente")).to_be_visible()
    expect(navigation.get_by_role("link", name="Coopération 1 en attente")).to_be_visible()
    expect(page.get_by_role("link", name="Tableau de bord 2 en attente")).to_be_visible()
    expect(page.get_by_role("heading", name="Votre prochain événement")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Répondre : Ville de Vitry-sur-Seine vous propose un rendez-vous").click()
    page.get_by_role("button", name="Accepter la demande de Ville de Vitry-sur-Seine").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name="Ce qui vous attend (1)")).to_be_visible()
    expect(navigation.get_by_role("link", name="Événements", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Tableau de bord 1 en attente")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert axe_violations(page) == []

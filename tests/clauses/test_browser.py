"""The social clauses in a real browser, each page through axe-core: the holder declares a month (an error
first), the facilitator validates it, follows a participant (the read lands in the access log) and reads the
territory's dashboard; forms with errors stay accessible."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from essaim.clauses import links
from essaim.clauses.models import Declaration, MonthlyStatement
from essaim.clauses.progress import add_months
from tests.browser_support import axe_violations, login_as

from .factories import declare, make_contract, make_mission, make_participant


def _contract(world):  # noqa: ANN001, ANN202
    today = timezone.localdate()
    contract = make_contract(
        world.buyer_org,
        world.supplier_org,
        reference="2026-TX-01",
        start=add_months(today, -5),
        end=add_months(today, 7) - timedelta(days=1),
    )
    awa = make_mission(contract, make_participant(first_name="Awa", last_name="Diallo"))
    declare(awa, add_months(today, -3), 60)
    return contract, awa


def test_holder_declares_and_facilitator_validates(page: Page, client, world) -> None:  # noqa: ANN001
    contract, awa = _contract(world)
    month = add_months(timezone.localdate(), -1)
    login_as(page, client, world.users["supplier"])
    page.goto(reverse("clauses:contract_detail", args=[contract.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marché 2026-TX-01")
    assert axe_violations(page) == []
    page.get_by_role("link", name=f"Déclarer {date_format(month, 'F Y')}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heures de")
    hours = page.get_by_label("Heures travaillées — Awa (P-0001)")
    hours.fill("250")
    page.get_by_role("button", name="Déclarer les heures").click()
    assert hours.get_attribute("aria-invalid") == "true"
    assert page.title().startswith("Erreur — ")
    assert axe_violations(page) == []
    page.get_by_label("Heures travaillées — Awa (P-0001)").fill("120,5")
    page.get_by_label("Heures de formation — Awa (P-0001)").fill("7")
    page.get_by_role("button", name="Déclarer les heures").click()
    expect(page.get_by_role("status")).to_contain_text("l'équipe d'animation va les valider")
    assert str(Declaration.objects.get(mission=awa, month=month).hours) == "120.50"

    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("clauses:to_validate"))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Valider 2026-TX-01").first.click()
    expect(page.get_by_role("status")).to_contain_text("validé")
    assert MonthlyStatement.objects.filter(contract=contract, validated_at__isnull=False).count() == 1
    page.goto(reverse("clauses:contract_detail", args=[contract.pk]))
    expect(page.locator("#contenu")).to_contain_text("la clause ne sera pas remplie")
    assert axe_violations(page) == []
    page.get_by_role("link", name="P-0001", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participant P-0001")
    expect(page.locator("#contenu")).to_contain_text("Diallo")
    assert axe_violations(page) == []
    page.get_by_role("link", name="journal des accès").click()
    expect(page.get_by_role("table")).to_contain_text("P-0001")
    assert axe_violations(page) == []


def test_signed_link_page_and_forms_with_errors(page: Page, client, world) -> None:  # noqa: ANN001
    contract, awa = _contract(world)
    month = add_months(timezone.localdate(), -2)
    page.goto(reverse("clauses:statement_link", args=[links.statement_token(contract, month)]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heures de")
    page.get_by_label("Heures travaillées — Awa (P-0001)").fill("-3")
    page.get_by_role("button", name="Déclarer les heures").click()
    assert page.title().startswith("Erreur — ")
    assert axe_violations(page) == []

    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("clauses:contract_create"))
    page.get_by_role("button", name="Suivre ce marché").click()
    assert page.title().startswith("Erreur — ")
    assert axe_violations(page) == []
    page.goto(reverse("clauses:mission_create", args=[contract.pk]))
    page.get_by_role("button", name="Ajouter le participant").click()
    assert page.title().startswith("Erreur — ")
    assert axe_violations(page) == []
    page.goto(reverse("clauses:dashboard_territory") + f"?annee={month.year}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clauses sociales du territoire")
    assert axe_violations(page) == []
    page.goto(reverse("clauses:contract_parties", args=[contract.pk]))
    page.get_by_role("button", name="Ajouter", exact=True).click()
    assert axe_violations(page) == []

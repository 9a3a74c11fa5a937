"""Onboarding in chromium, with an axe-core scan of every page in the states people see: sign-up with its
errors, the confirmation, the search for one's structure with results, the claim; then the facilitator's
console, the review queue, the side-by-side details and the approval; the invitation table's report."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from essaim.directory.models import ClaimRequest
from tests.browser_support import axe_violations, login_as
from tests.directory.factories import make_structure

PASSWORD = "des-jouets-pour-tous-2026"


def scanned(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def test_sign_up_claim_and_approval_from_the_console(page: Page, client, world) -> None:
    rejoue = make_structure("Rejoué", siret="73282932000074", website="https://www.rejoue.fr")
    page.goto(reverse("onboarding:signup"))
    scanned(page)
    page.get_by_label("Nom complet").fill("Awa Diallo")
    page.get_by_label("Adresse électronique").fill("awa.diallo@laposte.net")
    page.locator("#id_password1").fill("12345678901")
    page.get_by_label("Confirmation du mot de passe").fill("12345678901")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator("#id_password1-errors")).to_contain_text("entièrement numérique")
    scanned(page)
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre adresse")
    scanned(page)

    link = re.search(r"https?://\S+(/inscription/confirmer/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    scanned(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre votre organisation")
    scanned(page)
    page.get_by_role("link", name="Retrouver ma structure").click()
    page.get_by_label("Nom ou SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", level=3)).to_have_text("Rejoué")
    scanned(page)
    page.get_by_label("Votre fonction dans la structure (facultatif)").fill("Coordinatrice")
    page.get_by_role("button", name=re.compile("C'est ma structure")).click()
    expect(page.locator(".messages")).to_contain_text("L'équipe du territoire l'examinera")
    expect(page.locator("#contenu")).to_contain_text("En attente")
    scanned(page)

    page.context.clear_cookies()
    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("core:dashboard"))
    page.get_by_role("link", name="Animation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Console d'animation")
    scanned(page)
    page.get_by_role("link", name="Demandes de rattachement").click()
    scanned(page)
    page.get_by_role("link", name="Rejoué").click()
    expect(page.locator("table")).to_contain_text("laposte.net")
    scanned(page)
    page.get_by_role("button", name="Accepter").click()
    expect(page.locator(".messages")).to_contain_text("1 élément accepté")
    scanned(page)
    claim = ClaimRequest.objects.get(structure=rejoue)
    assert claim.status == ClaimRequest.Status.APPROVED


def test_console_invitations_from_a_table(page: Page, client, world, tmp_path) -> None:
    login_as(page, client, world.users["facilitator"])
    page.goto(reverse("onboarding:invite"))
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator("#id_email-errors")).to_be_visible()
    scanned(page)
    table = tmp_path / "invitations.csv"
    table.write_text(
        "nom;SIRET;type;email\nVille de Choisy-le-Roi;;acheteur;achats@choisy.example\nX;;ovni;x@exemple.fr\n",
        encoding="utf-8",
    )
    page.goto(reverse("onboarding:invite_file"))
    scanned(page)
    page.get_by_label("Tableau des invitations (CSV ou XLSX)").set_input_files(str(table))
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(page.locator("table")).to_contain_text("Type « ovni » inconnu")
    scanned(page)
    page.goto(reverse("onboarding:invitations"))
    expect(page.locator("table")).to_contain_text("achats@choisy.example")
    scanned(page)


def test_finding_and_proposing_an_organisation(page: Page, client, world) -> None:
    login_as(page, client, world.users["partner"])
    page.goto(reverse("onboarding:organisation_find") + "?q=vitry")
    expect(page.get_by_role("heading", level=3)).to_have_text("Ville de Vitry-sur-Seine")
    scanned(page)
    page.goto(reverse("onboarding:organisation_propose"))
    page.get_by_label("Un acheteur public (collectivité, bailleur, hôpital…)").check()
    page.get_by_label("Nom de l'organisation").fill("Ville de Choisy-le-Roi")
    page.get_by_role("button", name="Proposer l'organisation").click()
    expect(page.locator("#id_buyer_category-errors")).to_contain_text("Précisez la catégorie d'acheteur.")
    scanned(page)

"""Acceptance in the browser (issue 4): the Vitry buyer posts the toys need and sees Rejoué first with its
reasons and the reservation advice, publishes it; Rejoué is emailed, answers "intéressé"; the buyer sees the
answer and closes the need as awarded to Rejoué. Every page passes axe-core on the way."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from essaim.directory.demo import load_demo_structures
from essaim.directory.models import Structure
from essaim.sourcing import services
from essaim.sourcing.models import Collaboration, Need, NeedAnswer
from tests.browser_support import axe_violations, login_as
from tests.territory_support import make_small_territory

from .factories import ensure_sectors, make_forecast, make_need


def test_buyer_posts_supplier_answers_buyer_awards(page: Page, client, world) -> None:
    make_small_territory()
    ensure_sectors()
    load_demo_structures()
    rejoue = Structure.objects.get(source="demo", source_id="rejoue")
    Structure.objects.filter(pk=rejoue.pk).update(organisation=world.supplier_org)
    mail.outbox.clear()

    login_as(page, client, world.users["buyer"])
    page.goto(reverse("sourcing:need_create"))
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Sourcing (étude de marché)").check()
    page.get_by_label("Titre").fill("Achat de jouets de réemploi pour les crèches")
    page.get_by_label("Description").fill(
        "Jouets d'éveil de réemploi, nettoyés et contrôlés, pour les crèches."
    )
    page.get_by_role("button", name="Suggérer les secteurs d'après le texte").click()
    expect(page.get_by_role("status")).to_contain_text("Secteurs proposés")
    offered = page.get_by_role("group", name="Secteurs proposés d'après votre texte")
    expect(offered.get_by_role("checkbox", name=re.compile(r"› Jouets$"))).not_to_be_checked()  # to confirm
    offered.get_by_role("checkbox", name=re.compile(r"› Jouets$")).check()
    page.get_by_role("checkbox", name="Fourniture").check()
    page.get_by_label("Lieu d'exécution").fill("Vitry")  # the place picker: by name
    page.get_by_role("option", name=re.compile(r"^Vitry-sur-Seine \(94\)")).click()
    page.get_by_label("Montant estimé (€ HT)").fill("50000")
    page.get_by_label("Date limite de réponse").fill((timezone.localdate() + timedelta(days=20)).isoformat())
    page.get_by_label("Questions aux fournisseurs").fill("Quel délai de livraison ?")
    page.get_by_role("button", name="Enregistrer le besoin").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Achat de jouets de réemploi pour les crèches")
    first = page.locator("ol.matches > li").first
    expect(first).to_contain_text("Rejoué")
    expect(first).to_contain_text("intervient à Vitry-sur-Seine")
    expect(page.get_by_role("heading", name="Conseil : réserver ce marché ?")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier le besoin").click()
    expect(page.get_by_role("status")).to_contain_text("Besoin publié")
    need = Need.objects.get(title="Achat de jouets de réemploi pour les crèches")
    assert need.status == Need.Status.PUBLISHED
    assert [m for m in mail.outbox if "contact@rejoue.fr" in m.to]

    login_as(page, client, world.users["supplier"])
    page.goto(reverse("sourcing:need_list"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Achat de jouets de réemploi pour les crèches").click()
    page.get_by_role("link", name="Répondre à ce besoin").click()
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Intéressé", exact=True).check()
    page.get_by_label("Quel délai de livraison ?").fill("Sous quinze jours")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.get_by_role("status")).to_contain_text("Votre réponse a été transmise")
    assert NeedAnswer.objects.get(need=need).kind == NeedAnswer.Kind.INTERESTED

    login_as(page, client, world.users["buyer"])
    page.goto(reverse("sourcing:need_answers", args=[need.pk]))
    expect(page.get_by_role("table")).to_contain_text("Intéressé")
    assert axe_violations(page) == []
    page.goto(reverse("sourcing:need_close", args=[need.pk]))
    page.get_by_role("radio", name="Attribué").check()
    page.get_by_label("Titulaire (si attribué)").select_option(label="Rejoué")
    page.get_by_label("Montant du contrat (€ HT)").fill("48000")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Clore le besoin").click()
    expect(page.get_by_role("status")).to_contain_text("Besoin clos")
    assert Collaboration.objects.get(need=need).supplier == world.supplier_org


def test_supplier_marks_forecast_buyer_turns_it_into_a_need(page: Page, client, world) -> None:
    """Issue 16: Rejoué marks Vitry's forecast "intéressé" (at 320 px), Vitry sees it and turns the forecast
    into a need in one step; the pages pass axe-core."""
    make_small_territory()
    ensure_sectors()
    forecast = make_forecast(world.buyer_org)
    page.set_viewport_size({"width": 320, "height": 800})
    login_as(page, client, world.users["supplier"])
    page.goto(reverse("sourcing:forecast_detail", args=[forecast.pk]))
    assert axe_violations(page) == []
    page.get_by_label("Votre capacité (facultatif)").fill("2 000 jouets par an")
    page.get_by_role("button", name="Je suis intéressé").click()
    expect(page.get_by_role("status")).to_contain_text("Votre intérêt est transmis")
    expect(page.get_by_role("button", name="Retirer mon intérêt")).to_be_visible()
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"
    )
    assert wide == []
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("sourcing:forecast_detail", args=[forecast.pk]))
    expect(page.get_by_role("region", name="Structures intéressées")).to_contain_text("2 000 jouets par an")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Transformer en besoin").click()
    expect(page.get_by_role("status")).to_contain_text("Besoin créé à partir de la prévision")
    expect(page.get_by_label("Titre")).to_have_value("Jouets des centres de loisirs")
    assert Need.objects.get().forecast == forecast


def test_buyer_answers_a_question_for_everyone(page: Page, client, world) -> None:
    """Issue 16: Rejoué asks a question; Vitry answers it on its page; the answer is on the need's page for
    another supplier, without naming Rejoué. Pages pass axe-core."""
    make_small_territory()
    ensure_sectors()
    need = make_need(world.buyer_org, publish=True)
    services.answer_record(
        actor=None,
        need=need,
        organisation=world.supplier_org,
        kind=NeedAnswer.Kind.QUESTION,
        message="Les jouets en bois sont-ils acceptés ?",
    )
    login_as(page, client, world.users["buyer"])
    page.goto(reverse("sourcing:need_answers", args=[need.pk]))
    page.get_by_role("link", name=re.compile("Répondre à toutes les structures")).click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_role("alert")).to_contain_text("obligatoire")
    page.get_by_label("Votre réponse, publiée à toutes les structures").fill("Oui, le bois est accepté.")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_role("status")).to_contain_text("Réponse publiée")

    page.set_viewport_size({"width": 320, "height": 800})
    login_as(page, client, world.users["other_buyer"])
    page.goto(reverse("sourcing:need_detail", args=[need.pk]))
    section = page.get_by_role("region", name="Questions et réponses")
    expect(section).to_contain_text("Oui, le bois est accepté.")
    expect(section).not_to_contain_text("Rejoué")
    assert axe_violations(page) == []

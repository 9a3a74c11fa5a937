"""Browser flows of the events capability, with an accessibility scan after each step."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from essaim.events import services
from essaim.events.models import Meeting, Registration
from tests.browser_support import axe_violations, login_as
from tests.events.factories import meeting_event, register


def test_a_buyer_registers_then_requests_a_meeting(page: Page, client, world) -> None:
    event = meeting_event(title="Matinale des achats socialement responsables")
    register(event, world.users["supplier"], organisation=world.supplier_org)
    login_as(page, client, world.users["buyer"])
    page.goto(f"/evenements/{event.pk}/")
    page.get_by_role("link", name="S'inscrire").click()
    page.get_by_label("Pour l'organisation").select_option(label="Ville de Vitry-sur-Seine")
    page.get_by_label("Je participe comme").select_option("acheteur")
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("status").first).to_contain_text("Inscription confirmée")
    assert axe_violations(page) == []
    assert (
        Registration.objects.get(event=event, user=world.users["buyer"]).status
        == Registration.Status.CONFIRMED
    )

    page.get_by_role("link", name="Profil de rendez-vous et demandes").click()
    page.get_by_label("Ce que je recherche").fill("Jouets de réemploi pour nos crèches")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_role("status").first).to_contain_text("profil de rendez-vous est enregistré")
    page.get_by_role("link", name="Parcourir les participants et demander des rendez-vous").click()
    page.get_by_label("Priorité du rendez-vous avec Rejoué").select_option("3")
    page.get_by_role("button", name="Demander un rendez-vous à Rejoué").click()
    expect(page.get_by_role("status").first).to_contain_text("Demande de rendez-vous envoyée à Rejoué")
    assert axe_violations(page) == []


def test_the_facilitator_schedules_publishes_and_sees_the_table_plan(page: Page, client, world) -> None:
    event = meeting_event()
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    request = services.meeting_request_create(actor=None, requester=buyer, recipient=supplier, priority=3)
    services.meeting_request_decide(actor=None, request=request, accept=True)
    login_as(page, client, world.users["facilitator"])
    page.goto(f"/evenements/{event.pk}/rendez-vous/")
    page.get_by_role("button", name="Calculer le planning").click()
    expect(page.get_by_role("status").first).to_contain_text("Planning calculé (optimal prouvé)")
    page.get_by_role("button", name="Publier les agendas").click()
    expect(page.get_by_role("status").first).to_contain_text("Agendas publiés : 2 participants prévenus")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Plan des tables").first.click()
    expect(page.get_by_role("table")).to_contain_text("Ville de Vitry-sur-Seine")
    assert axe_violations(page) == []
    assert Meeting.objects.filter(event=event).count() == 1


def test_after_the_event_a_buyer_records_a_collaboration_and_sees_it_listed(
    page: Page, client, world
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    event = meeting_event(title="Matinale des achats socialement responsables", is_published=True)
    buyer = register(event, world.users["buyer"], organisation=world.buyer_org)
    supplier = register(event, world.users["supplier"], organisation=world.supplier_org)
    Meeting.objects.create(event=event, a=buyer, b=supplier, slot=0, table=1)
    event.starts_at = timezone.now() - timedelta(hours=6)
    event.agendas_published_at = event.starts_at - timedelta(days=2)
    event.save()
    login_as(page, client, world.users["buyer"])
    page.goto(f"/evenements/inscriptions/{buyer.pk}/agenda/")
    assert axe_violations(page) == []
    page.get_by_label("Suite du rendez-vous avec Rejoué").select_option("collaboration")
    page.get_by_label("Montant (€ HT, facultatif) de la collaboration avec Rejoué").fill("8400")
    page.get_by_label("Notes (facultatif) sur le rendez-vous avec Rejoué").fill("Jouets de réemploi")
    page.get_by_role("button", name="Enregistrer la suite du rendez-vous avec Rejoué").click()
    expect(page.get_by_role("status").first).to_contain_text("Suite du rendez-vous enregistrée")
    page.get_by_role("link", name="Les collaborations de mon organisation").click()
    expect(page.get_by_role("table")).to_contain_text("Jouets de réemploi")
    assert axe_violations(page) == []


def test_a_supplier_registers_with_one_click_as_a_supplier_of_its_organisation(
    page: Page, client, world
) -> None:
    event = meeting_event(title="Matinale des achats socialement responsables")
    login_as(page, client, world.users["supplier"])
    page.goto(f"/evenements/{event.pk}/inscription/")
    expect(page.get_by_label("Pour l'organisation")).to_have_value(str(world.supplier_org.pk))
    expect(page.get_by_label("Je participe comme")).to_have_value("fournisseur")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("status").first).to_contain_text("Inscription confirmée")
    registration = Registration.objects.get(event=event, user=world.users["supplier"])
    assert (registration.organisation, registration.role) == (world.supplier_org, "fournisseur")

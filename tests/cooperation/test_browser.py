"""Acceptance (issue 7): a supplier joins the textile group, records a quarter of flows, requests the pooled
van; the owner accepts; the agreement PDF downloads. Every page passes axe-core on the way."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from essaim.accounts.models import User
from essaim.cooperation.demo import OWNER_EMAIL, TEXTILE_GROUP, load_demo
from essaim.cooperation.models import Booking, GroupMember, MaterialFlow, Resource
from essaim.cooperation.services import group_member_decide
from tests.browser_support import axe_violations, login_as
from tests.territory_support import make_small_territory

from .factories import make_group, make_resource


def test_supplier_joins_declares_flows_books_the_van_and_downloads_the_agreement(
    page: Page,
    client,
    world,
    tmp_path: Path,
) -> None:
    make_small_territory()
    load_demo()
    supplier = world.users["supplier"]
    login_as(page, client, supplier)

    page.goto(reverse("cooperation:group_list"))
    page.get_by_role("link", name=TEXTILE_GROUP).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTILE_GROUP)
    assert "réservés à ses membres" in page.locator("#contenu").inner_text()
    page.get_by_label("Votre organisation participe en tant que").select_option("structure-ess")
    page.get_by_role("button", name="Envoyer la demande").click()  # a private group: joined by request
    expect(page.get_by_role("status")).to_contain_text(
        "Votre demande est envoyée aux coordinateurs du groupe"
    )
    assert axe_violations(page) == []
    request = GroupMember.objects.get(group__name=TEXTILE_GROUP, organisation=world.supplier_org)
    group_member_decide(actor=None, member=request, approve=True)  # a coordinator accepts
    page.reload()

    page.get_by_role("link", name="Flux de matières du groupe").click()
    page.get_by_role("spinbutton", name="Année").fill("2026")
    page.get_by_role("combobox", name="Trimestre").select_option("1")
    page.get_by_role("combobox", name="Matière").select_option("vetements")
    page.get_by_role("spinbutton", name="Collecté (tonnes)").fill("3.5")
    page.get_by_role("spinbutton", name="Réemployé (tonnes)").fill("2")
    page.get_by_role("spinbutton", name="Recyclé (tonnes)").fill("1")
    page.get_by_role("button", name="Enregistrer les flux").click()
    expect(page.get_by_role("status")).to_contain_text("Flux du trimestre enregistrés")
    expect(page.get_by_role("table", name="Flux par trimestre (tonnes)")).to_contain_text("2026 T1")
    assert MaterialFlow.objects.filter(organisation=world.supplier_org, year=2026, quarter=1).exists()
    assert axe_violations(page) == []

    page.goto(reverse("cooperation:resource_list"))
    page.get_by_role("link", name="Camion 20 m³ avec hayon").click()
    start = timezone.localtime() + timedelta(days=7)
    page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT09:00"))
    page.get_by_label("Fin").fill(start.strftime("%Y-%m-%dT17:00"))
    page.get_by_label("Message au propriétaire").fill("Collecte de jouets à Ivry.")
    page.get_by_role("button", name="Demander la réservation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réservation de Camion 20 m³ avec hayon")
    expect(page.locator("#contenu")).to_contain_text("Demandée")
    booking_url = page.url
    assert axe_violations(page) == []

    login_as(page, client, User.objects.get(email=OWNER_EMAIL))
    page.goto(booking_url)
    page.get_by_role("button", name="Accepter la réservation").click()
    expect(page.get_by_role("status")).to_contain_text("Réservation acceptée")
    assert Booking.objects.get().status == Booking.Status.ACCEPTED

    login_as(page, client, supplier)
    page.goto(booking_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger la convention de mise à disposition (PDF)").click()
    target = tmp_path / "convention.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert axe_violations(page) == []


def test_coordinator_changes_a_members_type_and_owner_edits_a_resource(page: Page, client, world) -> None:
    """The forms the URL matrix scan does not see (it opens these pages as a non-coordinator, non-owner)."""
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    resource = make_resource(world.supplier_org)
    login_as(page, client, world.users["supplier"])

    page.goto(reverse("cooperation:group_detail", args=[group.pk]))
    assert axe_violations(page) == []
    page.get_by_label("Type de membre de CRESS Île-de-France").select_option("formation")
    page.get_by_role("button", name="Changer le type de CRESS Île-de-France").click()
    expect(page.get_by_role("status")).to_contain_text("CRESS Île-de-France : Organisme de formation")
    member = GroupMember.objects.get(group=group, organisation=world.partner_org)
    assert member.member_type == GroupMember.MemberType.TRAINING

    page.goto(reverse("cooperation:my_pooling"))
    assert axe_violations(page) == []
    page.goto(reverse("cooperation:resource_detail", args=[resource.pk]))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Modifier la ressource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier « Camion 12 m³ partagé »")
    page.get_by_label("Intitulé").fill("")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    assert page.get_by_label("Intitulé").get_attribute("aria-invalid") == "true"
    assert page.title().startswith("Erreur — ")
    assert axe_violations(page) == []
    page.get_by_label("Intitulé").fill("Camion 20 m³ partagé")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Camion 20 m³ partagé")
    assert Resource.objects.get(pk=resource.pk).title == "Camion 20 m³ partagé"

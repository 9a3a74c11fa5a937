"""Browser flows of the events capability, with an accessibility scan after each step."""

from __future__ import annotations

import io
import re
from pathlib import Path

import segno
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from essaim.core.links import absolute_url
from essaim.events import services
from essaim.events.models import Meeting, Registration
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, axe_violations, guarded_page, login_as
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
    expect(page.get_by_role("status").first).to_contain_text("Planning calculé (le meilleur possible)")
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


# Check-in on a phone: 320 px, the name search kept after "Pointer l'arrivée", and the badge's QR code read
# by the camera (chromium's fake camera plays a video of a badge's QR code).


def _scrolls_sideways(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def test_check_in_on_a_320_px_screen_keeps_the_search_and_the_focus(page: Page, client, world) -> None:
    event = meeting_event(title="Matinale des achats socialement responsables de Vitry-sur-Seine")
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    register(event, world.users["buyer_admin"], organisation=world.buyer_org)
    page.set_viewport_size({"width": 320, "height": 640})
    login_as(page, client, world.users["facilitator"])
    page.goto(f"/evenements/{event.pk}/accueil/")
    assert not _scrolls_sideways(page)
    page.get_by_label("Nom, adresse ou organisation").fill("Vitry")
    page.get_by_role("button", name="Chercher").click()
    button = page.get_by_role("button", name=f"Pointer l'arrivée de {registration.user.get_full_name()}")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport(ratio=1)  # not clipped on the right
    assert not _scrolls_sideways(page)
    assert axe_violations(page) == []

    button.click()
    status = page.get_by_role("status").first
    expect(status).to_contain_text(f"Arrivée de {registration.user.get_full_name()} enregistrée")
    search = page.get_by_label("Nom, adresse ou organisation")
    expect(search).to_have_value("Vitry")  # the search is kept…
    expect(status).to_be_focused()  # …and the focus is on the status, read at once (issue 17)
    expect(page.get_by_text("Arrivé à")).to_be_visible()
    assert not _scrolls_sideways(page)
    assert axe_violations(page) == []
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def _badge_qr_data_uri(client, registration) -> str:
    html = client.get(f"/evenements/inscriptions/{registration.pk}/badge/").content.decode()
    return re.search(r'src="(data:image/svg\+xml[^"]+)"', html)[1].replace("&amp;", "&")


def test_the_scanner_reads_a_badge_s_qr_code(page: Page, client, world) -> None:
    """The decoding the scanner uses (jsQR here: chromium on Linux has no BarcodeDetector) on the badge's own
    QR code image, and the link it holds recognised as a check-in link of this site."""
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    client.force_login(world.users["buyer"])
    qr = _badge_qr_data_uri(client, registration)
    login_as(page, client, world.users["facilitator"])
    page.goto(f"/evenements/{event.pk}/accueil/")
    texts = page.evaluate(
        """async ([src, jsqr]) => {
            const image = new Image();
            image.src = src;
            await image.decode();
            return window.essaimCheckIn.readImage(image, jsqr);
        }""",
        [qr, page.locator("[data-checkin-scan]").get_attribute("data-jsqr-src")],
    )
    [text] = texts
    assert text.startswith("http://testserver/evenements/pointage/")  # the badge's link (ESSAIM_SITE_URL)
    path = page.evaluate("t => window.essaimCheckIn.checkInPath(t)", text)
    token = path.split("/")[-2]
    assert path == f"/evenements/pointage/{token}/"
    assert services.registration_from_token(token, purpose="checkin") == registration
    assert page.evaluate("window.essaimCheckIn.checkInPath('https://ailleurs.example/evil/')") is None


def _badge_video(url: str, path: Path) -> Path:
    """A few frames of a phone camera looking at a badge's QR code, as a y4m file for chromium's fake camera."""
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    chroma = bytes([128]) * (320 * 240)  # grey: no colour
    with path.open("wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def test_the_camera_reads_a_badge_and_its_arrival_is_recorded(
    chromium, live_server, transactional_db, client, world, tmp_path
) -> None:
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    badge_url = absolute_url(
        reverse("events:checkin_scan", args=[services.registration_check_in_token(registration)])
    )
    video = _badge_video(badge_url, tmp_path / "badge.y4m")
    camera = chromium.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        with guarded_page(camera, live_server.url) as page:
            page.context.grant_permissions(["camera"])
            page.set_viewport_size({"width": 320, "height": 640})
            login_as(page, client, world.users["facilitator"])
            page.goto(f"/evenements/{event.pk}/accueil/")
            page.get_by_role("button", name="Ouvrir la caméra").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(
                f"Pointage de {registration.user.get_full_name()}"
            )
            assert axe_violations(page) == []
            page.get_by_role("button", name="Enregistrer l'arrivée").click()
            page.wait_for_url(re.compile(r"/accueil/\?scanner=1$"))  # back, the camera opens again
            registration.refresh_from_db()
            assert registration.checked_in_at is not None
            expect(page.get_by_role("button", name="Fermer la caméra")).to_be_visible()
            expect(page.locator("[data-scan-status]")).to_contain_text("Ce badge vient d'être lu")
    finally:
        camera.close()

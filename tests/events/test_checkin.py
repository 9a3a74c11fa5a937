"""Check-in on a phone (issue 12, item 7): the camera allowed on the check-in page only, the search kept after
"Pointer l'arrivée" with the focus back in its field, the scanner reopened after a scanned badge, and the
QR decoder vendored at a pinned version. The browser flows (320 px, the fake camera) are in test_browser.py."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from essaim.events import services
from essaim.events.models import Registration
from tests.events.factories import meeting_event, register

pytestmark = pytest.mark.django_db

JSQR = Path(settings.BASE_DIR) / "essaim/static/vendor/jsqr"


def test_the_camera_is_allowed_on_the_check_in_page_only(client_as, world) -> None:
    event = meeting_event()
    client = client_as("facilitator")
    checkin = client.get(reverse("events:checkin", args=[event.pk]))
    assert "camera=(self)" in checkin["Permissions-Policy"]
    assert "microphone=()" in checkin["Permissions-Policy"]
    assert "camera=()" in client.get(reverse("events:event_detail", args=[event.pk]))["Permissions-Policy"]


def test_after_pointer_l_arrivee_the_search_is_kept_and_the_status_has_the_focus(client_as, world) -> None:
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("facilitator")
    response = client.post(reverse("events:checkin_mark", args=[registration.pk]), {"q": "Vitry"})
    assert response["Location"] == reverse("events:checkin", args=[event.pk]) + "?q=Vitry&pointe=1"
    page = client.get(response["Location"]).content.decode()
    assert re.search(r'<input type="search" name="q" value="Vitry"', page)
    assert re.search(r'<div class="messages" role="status" tabindex="-1" data-focus-on-load>', page)
    assert "Arrivé à" in page
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None
    # Without a check-in just done, the page does not move the focus.
    assert (
        "data-focus-on-load"
        not in client.get(reverse("events:checkin", args=[event.pk]), {"q": "Vitry"}).content.decode()
    )


def test_after_a_scanned_badge_the_check_in_page_opens_the_camera_again(client_as, world) -> None:
    event = meeting_event()
    registration = register(event, world.users["buyer"], organisation=world.buyer_org)
    client = client_as("facilitator")
    token = services.registration_check_in_token(registration)
    scan_page = client.get(reverse("events:checkin_scan", args=[token])).content.decode()
    assert 'name="scanner" value="1"' in scan_page
    response = client.post(reverse("events:checkin_mark", args=[registration.pk]), {"scanner": "1"})
    assert response["Location"] == reverse("events:checkin", args=[event.pk]) + "?scanner=1"
    assert 'data-autostart="true"' in client.get(response["Location"]).content.decode()


def test_the_scanner_section_waits_for_javascript_and_the_name_search_works_without(client_as, world) -> None:
    event = meeting_event()
    register(event, world.users["buyer"], organisation=world.buyer_org)
    page = client_as("facilitator").get(reverse("events:checkin", args=[event.pk]), {"q": "acheteur@"})
    content = page.content.decode()
    assert re.search(r"<section class=\"checkin-scan\"[^>]* hidden>", content)  # shown by the script only
    assert "1 participant confirmé pour « acheteur@ »" in content
    assert "Pointer l'arrivée" in content


def test_the_vendored_qr_decoder_is_the_pinned_version_and_is_served(client) -> None:
    version = (JSQR / "VERSION").read_text(encoding="utf-8")
    assert version.startswith("jsqr 1.4.0 ")
    pinned = re.search(r"sha256 of jsQR.js: ([0-9a-f]{64})", version)[1]
    assert hashlib.sha256((JSQR / "jsQR.js").read_bytes()).hexdigest() == pinned
    assert (JSQR / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")
    for path in ("/static/vendor/jsqr/jsQR.js", "/static/events/checkin-scan.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content)
        response.close()

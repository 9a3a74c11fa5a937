"""One PDF with the badges of all the confirmed participants, for the facilitators."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from essaim.accounts.models import Organisation
from tests.accounts.factories import MemberFactory
from tests.events.factories import meeting_event, register
from tests.pdf_support import assert_tagged_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def event_with_people(world):
    event = meeting_event(title="Matinale des achats socialement responsables", capacity=3)
    register(event, world.users["buyer"], organisation=world.buyer_org)
    register(event, world.users["supplier"], organisation=world.supplier_org)
    register(event, MemberFactory(kind=Organisation.Kind.BUYER, admin=True, full_name="Inès Tardif"))
    register(event, MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True, full_name="Lucien Attente"))
    return event


def test_the_facilitator_downloads_one_pdf_with_a_badge_per_confirmed_participant(
    client_as, event_with_people, world
):
    url = reverse("events:badges", args=[event_with_people.pk])
    client = client_as("facilitator")
    page = client.get(url).content.decode()
    assert "3 badges" in page and 'href="?format=pdf"' in page
    assert "Attente" not in page  # waitlisted: no badge
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="badges-{event_with_people.pk}.pdf"' in response["Content-Disposition"]
    assert_tagged_pdf(response.content, "Badges — Matinale des achats socialement responsables")
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 3
    texts = [p.extract_text() for p in reader.pages]
    assert all("Matinale des achats socialement responsables" in t for t in texts)
    assert any("Inès Tardif" in t for t in texts)
    assert any(world.supplier_org.name in t for t in texts)


def test_participants_cannot_download_all_the_badges(client_as, event_with_people):
    url = reverse("events:badges", args=[event_with_people.pk])
    assert client_as("buyer").get(url, {"format": "pdf"}).status_code == 403

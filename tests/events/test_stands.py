"""Exhibitors edit their own stand's pitch and sectors; the facilitator keeps the name and the place."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.core.models import AuditLog
from essaim.events.models import Stand
from tests.events.factories import meeting_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def stand(world):
    from essaim.directory.models import Sector

    Sector.objects.create(slug="jeux-test", name="Jeux et jouets")
    Sector.objects.create(slug="textile-test", name="Textile")
    return Stand.objects.create(
        event=meeting_event(), organisation=world.supplier_org, name="Rejoué", location="A1", pitch="Jouets"
    )


def test_an_exhibitor_edits_the_pitch_and_sectors_of_its_own_stand(client_as, stand):
    from essaim.directory.models import Sector

    client = client_as("supplier")
    exhibitors = client.get(reverse("events:exhibitors", args=[stand.event_id])).content.decode()
    assert reverse("events:stand_edit", args=[stand.pk]) in exhibitors
    url = reverse("events:stand_edit", args=[stand.pk])
    assert "Jouets</textarea>" in client.get(url).content.decode()
    toys = Sector.objects.get(slug="jeux-test")
    response = client.post(
        url, {"pitch": "  Jouets reconditionnés par des salariés en insertion ", "sectors": [toys.pk]}
    )
    assert response.status_code == 302
    stand.refresh_from_db()
    assert stand.pitch == "Jouets reconditionnés par des salariés en insertion"
    assert list(stand.sectors.all()) == [toys]
    assert (stand.name, stand.location) == ("Rejoué", "A1")
    assert AuditLog.objects.filter(action="stand.updated").exists()


def test_other_organisations_cannot_edit_the_stand_nor_see_the_link(client_as, stand):
    url = reverse("events:stand_edit", args=[stand.pk])
    client = client_as("buyer")
    assert (
        reverse("events:stand_edit", args=[stand.pk])
        not in client.get(reverse("events:exhibitors", args=[stand.event_id])).content.decode()
    )
    assert client.post(url, {"pitch": "Piraté"}).status_code == 403
    assert Stand.objects.get(pk=stand.pk).pitch == "Jouets"


def test_a_too_long_pitch_is_shown_next_to_the_field(client_as, stand):
    response = client_as("supplier").post(reverse("events:stand_edit", args=[stand.pk]), {"pitch": "x" * 501})
    assert response.status_code == 400
    assert Stand.objects.get(pk=stand.pk).pitch == "Jouets"


def test_the_facilitator_reaches_the_edit_page_from_the_stands_page(client_as, stand):
    page = client_as("facilitator").get(reverse("events:stands", args=[stand.event_id])).content.decode()
    assert reverse("events:stand_edit", args=[stand.pk]) in page

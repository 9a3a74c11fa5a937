"""Issue 12's "done when": a person with no account signs up, claims Rejoué's profile, and the facilitator
approves it from the console; then the person manages the profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from essaim.directory.models import ClaimRequest
from tests.directory.factories import make_structure

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_sign_up_claim_rejoue_and_the_facilitator_approves_from_the_console(
    client, client_as, world, django_capture_on_commit_callbacks
) -> None:
    rejoue = make_structure("Rejoué", siret=SIRET, website="https://www.rejoue.fr", commune="")
    newcomer = client_as("anonymous")
    assert newcomer.get(reverse("onboarding:signup")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.post(
            reverse("onboarding:signup"),
            {
                "full_name": "Awa Diallo",
                "email": "awa.diallo@laposte.net",  # not Rejoué's domain: the claim is reviewed
                "password1": "des-jouets-pour-tous-2026",
                "password2": "des-jouets-pour-tous-2026",
            },
        )
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", mail.outbox[-1].body).group(0)
    assert newcomer.post(path_of(link))["Location"] == reverse("onboarding:welcome")

    found = newcomer.get(reverse("onboarding:structure_find"), {"q": "732 829 320 00074"})
    assert [s.name for s in found.context["structures"]] == ["Rejoué"]
    found = newcomer.get(reverse("onboarding:structure_find"), {"q": "rejoue"})
    assert "Rejoué" in [s.name for s in found.context["structures"]]
    response = newcomer.post(
        reverse("onboarding:structure_claim", args=[rejoue.pk]), {"message": "Coordinatrice"}, follow=True
    )
    assert "L'équipe du territoire l'examinera" in response.content.decode().replace("&#x27;", "'")
    claim = ClaimRequest.objects.get(structure=rejoue)
    assert claim.status == ClaimRequest.Status.PENDING
    assert newcomer.get(reverse("directory:edit", args=[rejoue.pk])).status_code == 403

    facilitator = client_as("facilitator")
    console = facilitator.get(reverse("onboarding:console")).content.decode()
    assert "Demandes de rattachement</a> : 1" in console
    listing = facilitator.get(reverse("core:review_list", args=["rattachements"])).content.decode()
    assert "Awa Diallo" in listing
    detail = facilitator.get(reverse("core:review_detail", args=["rattachements", claim.pk])).content.decode()
    assert "laposte.net" in detail and "www.rejoue.fr" in detail and "Coordinatrice" in detail
    with django_capture_on_commit_callbacks(execute=True):
        facilitator.post(
            reverse("core:review_decide", args=["rattachements"]),
            {"items": [claim.pk], "decision": "approve"},
        )
    assert mail.outbox[-1].to == ["awa.diallo@laposte.net"]

    newcomer = client_as("anonymous")
    newcomer.post(
        reverse("accounts:login"),
        {"username": "awa.diallo@laposte.net", "password": "des-jouets-pour-tous-2026"},
    )
    assert newcomer.get(reverse("directory:edit", args=[rejoue.pk])).status_code == 200
    rejoue.refresh_from_db()
    assert rejoue.organisation.memberships.get().user.email == "awa.diallo@laposte.net"

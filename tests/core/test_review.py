"""The facilitators' review queue (essaim.core.review) with the kinds the apps register: counts, lists,
side-by-side details, bulk decisions taken item by item, and who may see it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from essaim.core import review
from essaim.directory.models import ClaimRequest
from tests.accounts.factories import UserFactory
from tests.directory.factories import make_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(world) -> list[ClaimRequest]:
    structure = make_structure("Rejoué", siret="73282932000074", website="https://www.rejoue.fr")
    return [
        ClaimRequest.objects.create(structure=structure, user=UserFactory(full_name=f"Personne {n}"))
        for n in range(3)
    ]


def test_the_apps_register_their_kinds() -> None:
    assert "rattachements" in [kind.slug for kind in review.kinds()]


def test_the_queue_counts_what_waits_for_facilitators(client_as, claims) -> None:
    content = client_as("facilitator").get(reverse("core:review_queue")).content.decode()
    assert "3 éléments en attente" in content
    listing = client_as("facilitator").get(reverse("core:review_list", args=["rattachements"]))
    assert listing.content.decode().count('type="checkbox" name="items"') == 3


def test_details_show_the_request_next_to_the_profile(client_as, claims) -> None:
    claims[0].structure.organisation = None
    url = reverse("core:review_detail", args=["rattachements", claims[0].pk])
    content = client_as("facilitator").get(url).content.decode()
    assert "Personne 0" in content and "www.rejoue.fr" in content and "aucun" in content


def test_a_bulk_decision_takes_each_item_and_reports_those_already_decided(client_as, claims) -> None:
    client = client_as("facilitator")
    ClaimRequest.objects.filter(pk=claims[2].pk).update(status=ClaimRequest.Status.REJECTED)
    response = client.post(
        reverse("core:review_decide", args=["rattachements"]),
        {"items": [c.pk for c in claims], "decision": "approve"},
        follow=True,
    )
    statuses = {c.pk: c.status for c in ClaimRequest.objects.all()}
    assert [statuses[c.pk] for c in claims] == ["approved", "approved", "rejected"]
    content = response.content.decode()
    assert "2 éléments acceptés" in content
    assert f"Élément n° {claims[2].pk} non traité : Déjà traité ou introuvable." in content


def test_a_rejection_tells_the_person_the_reason(
    client_as, claims, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_as("facilitator").post(
            reverse("core:review_decide", args=["rattachements"]),
            {"items": [claims[0].pk], "decision": "reject", "reason": "Nous ne vous connaissons pas."},
        )
    assert ClaimRequest.objects.get(pk=claims[0].pk).status == ClaimRequest.Status.REJECTED
    assert "Motif : Nous ne vous connaissons pas." in mail.outbox[-1].body


def test_a_decision_without_items_says_what_to_do(client_as, claims) -> None:
    response = client_as("facilitator").post(
        reverse("core:review_decide", args=["rattachements"]), {"decision": "approve"}, follow=True
    )
    assert "Cochez au moins un élément." in response.content.decode()


@pytest.mark.parametrize("role", ["buyer_admin", "supplier", "partner"])
def test_the_queue_is_for_facilitators_only(role, client_as, claims) -> None:
    client = client_as(role)
    assert client.get(reverse("core:review_queue")).status_code == 403
    response = client.post(
        reverse("core:review_decide", args=["rattachements"]),
        {"items": [claims[0].pk], "decision": "approve"},
    )
    assert response.status_code == 403
    assert ClaimRequest.objects.get(pk=claims[0].pk).status == ClaimRequest.Status.PENDING


def test_an_unknown_kind_is_not_found(client_as, world) -> None:
    assert client_as("facilitator").get(reverse("core:review_list", args=["inconnu"])).status_code == 404

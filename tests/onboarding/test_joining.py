"""Joining a buyer or partner organisation: decided by its administrators when it has any, else by the
facilitators' review queue; a proposed organisation is created when approved."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from essaim.accounts.models import Membership, Organisation
from essaim.onboarding.models import JoinRequest
from tests.accounts.factories import BuyerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    person = UserFactory(email="paul@choisy.example", full_name="Paul Martin", confirmed=True)
    client.force_login(person)
    return person


def test_finding_an_organisation_by_name_or_siret(client, newcomer, world) -> None:
    world.buyer_org.siret = "21940081700018"
    world.buyer_org.save()
    by_name = client.get(reverse("onboarding:organisation_find"), {"q": "vitry"}).content.decode()
    by_siret = client.get(
        reverse("onboarding:organisation_find"), {"q": "219 400 817 00018"}
    ).content.decode()
    assert "Ville de Vitry-sur-Seine" in by_name and "Ville de Vitry-sur-Seine" in by_siret
    suppliers = client.get(reverse("onboarding:organisation_find"), {"q": "Rejoué"})
    assert suppliers.context["organisations"] == []  # a structure is claimed in the directory, not joined


def test_the_organisations_admins_decide_and_are_told(
    client, client_as, newcomer, world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("onboarding:organisation_join", args=[world.buyer_org.pk]), {"message": "Juriste"}
        )
    join = JoinRequest.objects.get(user=newcomer)
    assert mail.outbox[-1].to == ["admin.vitry@exemple.fr"]
    # Not in the facilitators' queue: the organisation has administrators.
    queue = client_as("facilitator").get(reverse("core:review_list", args=["adhesions"])).content.decode()
    assert "Paul Martin" not in queue
    admin = client_as("buyer_admin")
    assert (
        "Paul Martin"
        in admin.get(reverse("onboarding:join_requests", args=[world.buyer_org.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("onboarding:join_request_decide", args=[join.pk, "accepter"]))
    assert Membership.objects.get(user=newcomer, organisation=world.buyer_org).role == Membership.Role.MEMBER
    assert mail.outbox[-1].to == ["paul@choisy.example"]


def test_a_request_to_an_organisation_without_admin_goes_to_the_facilitators(
    client, client_as, newcomer, world
) -> None:
    lonely = BuyerFactory(name="Ville de Choisy-le-Roi")
    client.post(reverse("onboarding:organisation_join", args=[lonely.pk]))
    facilitator = client_as("facilitator")
    join = JoinRequest.objects.get(user=newcomer)
    assert (
        "Ville de Choisy-le-Roi"
        in facilitator.get(reverse("core:review_list", args=["adhesions"])).content.decode()
    )
    facilitator.post(
        reverse("core:review_decide", args=["adhesions"]), {"items": [join.pk], "decision": "approve"}
    )
    assert Membership.objects.get(user=newcomer, organisation=lonely).role == Membership.Role.ADMIN


def test_a_proposed_organisation_is_created_when_approved(client, client_as, newcomer, world) -> None:
    response = client.post(
        reverse("onboarding:organisation_propose"),
        {"kind": "buyer", "name": "Ville de Choisy-le-Roi", "buyer_category": "commune", "message": "DGS"},
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="Ville de Choisy-le-Roi").exists()
    join = JoinRequest.objects.get(user=newcomer)
    detail = client_as("facilitator").get(reverse("core:review_detail", args=["adhesions", join.pk]))
    assert "Organisation proposée" in detail.content.decode()
    client_as("facilitator").post(
        reverse("core:review_decide", args=["adhesions"]), {"items": [join.pk], "decision": "approve"}
    )
    created = Organisation.objects.get(name="Ville de Choisy-le-Roi")
    assert created.kind == Organisation.Kind.BUYER and created.buyer_category == "commune"
    assert created.memberships.get().user == newcomer


def test_proposal_errors_are_french_and_by_field(client, newcomer, world) -> None:
    response = client.post(
        reverse("onboarding:organisation_propose"), {"kind": "buyer", "name": "Ville X", "siret": "123"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    # Every broken rule at once: the SIRET and the missing buyer category in the same answer.
    assert errors["siret"] == ["Un SIRET compte 14 chiffres."]
    assert errors["buyer_category"] == ["Précisez la catégorie d'acheteur."]
    response = client.post(reverse("onboarding:organisation_propose"), {"kind": "buyer", "name": "Ville X"})
    assert response.context["form"].errors["buyer_category"] == ["Précisez la catégorie d'acheteur."]


def test_joining_twice_is_refused_in_french(client, newcomer, world) -> None:
    url = reverse("onboarding:organisation_join", args=[world.buyer_org.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "déjà en attente" in response.content.decode()
    assert JoinRequest.objects.filter(user=newcomer).count() == 1


def test_a_join_request_waits_on_the_home_page_of_the_organisations_admin(
    client, client_as, newcomer, world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("onboarding:organisation_join", args=[world.buyer_org.pk]), {"message": "Juriste"}
        )
    home = client_as("buyer_admin").get(reverse("core:dashboard")).content.decode()
    assert "Paul Martin demande à rejoindre votre organisation" in home
    assert reverse("onboarding:join_requests", args=[world.buyer_org.pk]) in home
    assert "Paul Martin demande" not in client_as("buyer").get(reverse("core:dashboard")).content.decode()

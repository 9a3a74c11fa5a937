"""The acting organisation: one function for views and rules; a person with two organisations gets the
rules of the organisation they act for (the one chosen in the header's switcher)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.accounts.acting import acting_membership_of, acting_organisation_of, choose_organisation
from essaim.accounts.models import Membership, User
from essaim.accounts.services import membership_add

BUYER_ONLY = ["sourcing.create_need", "sourcing.create_forecast", "directory.export_results"]
SUPPLIER_ONLY = ["sourcing.manage_preferences"]


@pytest.fixture
def two_hats(world) -> User:
    """The buyer of Vitry is also a member of the supplier "Rejoué" (first by name: the default)."""
    user = world.users["buyer"]
    membership_add(actor=None, organisation=world.supplier_org, user=user, role=Membership.Role.MEMBER)
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_without_a_choice_a_person_acts_for_their_first_organisation_by_name(world, two_hats):
    assert acting_organisation_of(two_hats) == world.supplier_org
    choose_organisation(two_hats, world.buyer_org.pk)
    assert acting_organisation_of(two_hats) == world.buyer_org
    choose_organisation(two_hats, world.other_buyer_org.pk)  # not theirs: back to the default
    assert acting_membership_of(two_hats).organisation == world.supplier_org


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("perm", "allowed"),
    [(perm, "buyer_org") for perm in BUYER_ONLY] + [(perm, "supplier_org") for perm in SUPPLIER_ONLY],
)
def test_kind_rules_follow_the_acting_organisation(world, two_hats, perm, allowed):
    refused = "supplier_org" if allowed == "buyer_org" else "buyer_org"
    choose_organisation(two_hats, getattr(world, refused).pk)
    assert not two_hats.has_perm(perm)
    choose_organisation(two_hats, getattr(world, allowed).pk)
    assert two_hats.has_perm(perm)


@pytest.mark.django_db
def test_partner_rule_follows_the_acting_organisation(world):
    user = world.users["partner"]
    membership_add(actor=None, organisation=world.buyer_org, user=user, role=Membership.Role.MEMBER)
    user = User.objects.get(pk=user.pk)
    choose_organisation(user, world.buyer_org.pk)
    assert not user.has_perm("cooperation.publish_support_offer")
    choose_organisation(user, world.partner_org.pk)
    assert user.has_perm("cooperation.publish_support_offer")


def _act_for(client, organisation) -> None:
    client.post(reverse("accounts:organisation_switch"), {"organisation": organisation.pk, "next": "/"})


@pytest.mark.django_db
def test_pages_apply_the_rules_of_the_organisation_chosen_in_the_header(client, world, two_hats):
    client.force_login(two_hats, backend="django.contrib.auth.backends.ModelBackend")
    export = reverse("directory:export", args=["csv"])

    _act_for(client, world.supplier_org)
    assert client.get(export).status_code == 403
    assert client.get(reverse("sourcing:need_create")).status_code == 403
    listing = client.get(reverse("sourcing:need_list")).content.decode()
    assert reverse("sourcing:need_create") not in listing
    assert reverse("sourcing:preferences") in listing

    _act_for(client, world.buyer_org)
    assert client.get(export).status_code == 200
    assert client.get(reverse("sourcing:need_create")).status_code == 200
    listing = client.get(reverse("sourcing:need_list")).content.decode()
    assert reverse("sourcing:need_create") in listing
    assert reverse("sourcing:preferences") not in listing


@pytest.mark.django_db
def test_event_registration_offers_the_acting_organisation_first(client, world, two_hats):
    from tests.events.factories import EventFactory

    event = EventFactory()
    client.force_login(two_hats, backend="django.contrib.auth.backends.ModelBackend")
    _act_for(client, world.buyer_org)
    page = client.get(reverse("events:event_register", args=[event.pk])).content.decode()
    assert f'<option value="{world.buyer_org.pk}" selected>' in page
    assert f'<option value="{world.supplier_org.pk}">' in page

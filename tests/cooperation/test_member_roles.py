"""Coordinators name other coordinators and step down; a group always keeps one coordinator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.cooperation import services
from essaim.cooperation.models import GroupMember
from essaim.core.audit import history_for
from essaim.core.errors import DomainError
from essaim.core.models import AuditLog

from .factories import make_group

pytestmark = pytest.mark.django_db


def _group(world):
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    coordinator = GroupMember.objects.get(group=group, organisation=world.supplier_org)
    partner = GroupMember.objects.get(group=group, organisation=world.partner_org)
    return group, coordinator, partner


def role_url(member: GroupMember) -> str:
    return reverse("cooperation:member_role", args=[member.pk])


def test_a_coordinator_names_another_then_steps_down(client_as, world) -> None:
    group, coordinator, partner = _group(world)
    client = client_as("supplier")
    page = client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert f'action="{role_url(partner)}"' in page and "Nommer coordinateur" in page

    response = client.post(role_url(partner), {"role": "coordinateur"})
    assert response["Location"] == reverse("cooperation:group_detail", args=[group.pk]) + "#membres"
    partner.refresh_from_db()
    assert partner.role == GroupMember.Role.COORDINATOR
    entry = history_for(group).get(action="cooperation.group.member_role_changed")
    assert entry.data == {"member": partner.pk, "from": "membre", "to": "coordinateur"}

    client.post(role_url(coordinator), {"role": "membre"})
    coordinator.refresh_from_db()
    assert coordinator.role == GroupMember.Role.MEMBER
    # Rejoué is no longer a coordinator: it cannot manage the group any more.
    assert client.post(role_url(coordinator), {"role": "coordinateur"}).status_code == 403
    assert client_as("partner").get(reverse("cooperation:group_update", args=[group.pk])).status_code == 200


def test_the_last_coordinator_cannot_step_down(client_as, world) -> None:
    group, coordinator, _ = _group(world)
    page = client_as("supplier").post(role_url(coordinator), {"role": "membre"}, follow=True).content.decode()
    assert "Le groupe doit garder au moins une organisation coordinatrice" in page
    coordinator.refresh_from_db()
    assert coordinator.role == GroupMember.Role.COORDINATOR
    assert not AuditLog.objects.filter(action="cooperation.group.member_role_changed").exists()


@pytest.mark.parametrize("role", ["partner", "buyer", "other_buyer", "anonymous"])
def test_others_cannot_change_roles(role: str, client_as, world) -> None:
    _, _, partner = _group(world)
    response = client_as(role).post(role_url(partner), {"role": "coordinateur"})
    assert response.status_code in (302, 403, 404)
    if role != "anonymous":
        assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.role == GroupMember.Role.MEMBER


def test_an_unknown_role_is_refused_in_french(client_as, world) -> None:
    _, _, partner = _group(world)
    page = client_as("supplier").post(role_url(partner), {"role": "chef"}, follow=True).content.decode()
    assert "Rôle inconnu" in page
    partner.refresh_from_db()
    assert partner.role == GroupMember.Role.MEMBER
    with pytest.raises(DomainError, match="Rôle inconnu"):
        services.group_member_set_role(actor=None, member=partner, role="chef")


def test_role_change_is_post_only(client_as, world) -> None:
    _, _, partner = _group(world)
    assert client_as("supplier").get(role_url(partner)).status_code == 405

"""A private group admits its members one by one: open joining would let anyone read its documents."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from essaim.cooperation import services
from essaim.cooperation.forms import GroupForm, GroupUpdateForm
from essaim.cooperation.models import WorkingGroup
from essaim.cooperation.services import CooperationError

from .factories import make_group

pytestmark = pytest.mark.django_db


def test_creating_a_private_group_open_to_anyone_is_refused(world) -> None:
    with pytest.raises(CooperationError) as refused:
        services.group_create(
            actor=None,
            organisation=world.supplier_org,
            name="Réemploi textile",
            purpose="Compte rendus confidentiels",
            access=WorkingGroup.Access.OPEN,
            is_private=True,
        )
    assert refused.value.field == "access"
    assert not WorkingGroup.objects.filter(name="Réemploi textile").exists()


def test_opening_a_private_group_or_making_an_open_group_private_is_refused(world) -> None:
    private = make_group(coordinator=world.supplier_org, is_private=True)
    with pytest.raises(CooperationError):
        services.group_update(actor=None, group=private, access=WorkingGroup.Access.OPEN)
    open_group = make_group(
        coordinator=world.supplier_org, name="Ouvert", is_private=False, access=WorkingGroup.Access.OPEN
    )
    with pytest.raises(CooperationError):
        services.group_update(actor=None, group=open_group, is_private=True)
    private.refresh_from_db()
    assert private.access != WorkingGroup.Access.OPEN


@pytest.mark.parametrize("form_class", [GroupForm, GroupUpdateForm])
def test_the_group_forms_say_why_next_to_the_access_field(form_class) -> None:  # noqa: ANN001
    form = form_class(
        {
            "name": "Réemploi",
            "purpose": "x",
            "perimeter": "",
            "access": WorkingGroup.Access.OPEN,
            "is_private": "on",
            "member_type": "ess",
        }
    )
    assert not form.is_valid()
    assert "privé" in " ".join(form.errors.get("access", []))


def test_the_database_refuses_a_private_open_group_written_behind_the_services_back(world) -> None:
    group = make_group(coordinator=world.supplier_org, is_private=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroup.objects.filter(pk=group.pk).update(access=WorkingGroup.Access.OPEN)

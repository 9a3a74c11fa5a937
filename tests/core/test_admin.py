"""The back office (Django admin) is the facilitators' tool: every registered model's list and form open."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from essaim.accounts.services import FACILITATOR_APPS


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "superuser"])
def test_every_back_office_list_and_add_form_opens(role: str, client_as, samples) -> None:
    client = client_as(role)
    failures = []
    for model in admin.site._registry:
        opts = model._meta
        if role == "facilitator" and opts.app_label not in FACILITATOR_APPS:
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        status = client.get(changelist).status_code
        if status != 200:
            failures.append(f"{changelist}: {status}")
        first = model._default_manager.first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            status = client.get(change).status_code
            if status != 200:
                failures.append(f"{change}: {status}")
    assert not failures, failures


@pytest.mark.django_db
def test_a_facilitator_cannot_grant_itself_superuser_rights(client_as, world) -> None:
    client = client_as("facilitator")
    me = world.users["facilitator"]
    url = reverse("admin:accounts_user_change", args=[me.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    client.post(url, {"email": me.email, "full_name": "X", "is_superuser": "on", "is_active": "on"})
    me.refresh_from_db()
    assert not me.is_superuser


@pytest.mark.django_db
def test_platform_settings_stay_with_superusers(client_as, world) -> None:
    assert client_as("facilitator").get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client_as("superuser").get(reverse("admin:auth_group_changelist")).status_code == 200

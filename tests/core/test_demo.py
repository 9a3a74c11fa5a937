"""`essaim demo_setup` (what `make demo` runs) prepares every role's login and is safe to run twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from essaim.accounts.demo import DEMO_PEOPLE
from essaim.accounts.models import Membership, Organisation, User
from essaim.core.demo import DEMO_PASSWORD


def model_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "territory", "directory", "sourcing", "events", "cooperation"}
    }


@pytest.mark.django_db(transaction=False)
def test_demo_setup_prints_a_login_per_role_and_twice_changes_nothing(settings, tmp_path) -> None:
    settings.INSIGHT_DB = str(tmp_path / "insight.duckdb")
    out = StringIO()
    call_command("demo_setup", "--skip-migrate", stdout=out)
    first = model_counts()
    printed = out.getvalue()
    for _, email, *_ in DEMO_PEOPLE:
        assert email in printed
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert "admin@essaim.demo" in printed
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {"buyer", "supplier", "partner", "territory"}
    rejoue = Organisation.objects.get(name="Rejoué", kind="supplier")  # one organisation, not two
    assert Membership.objects.filter(organisation=rejoue, user__email="contact@rejoue.essaim.demo").exists()
    call_command("demo_setup", "--skip-migrate", stdout=StringIO())
    assert model_counts() == first

"""The public "Données personnelles" page states what is kept, why, on which basis and how long, from
the declarations of every app and the retention settings."""

from __future__ import annotations

from django.core.checks import run_checks
from django.urls import reverse
from django.utils.html import escape

from essaim.core import personal_data


def test_the_page_lists_every_kind_of_record_with_its_period(client, db) -> None:  # noqa: ANN001
    content = client.get(reverse("privacy:policy")).content.decode()
    for entry in personal_data.processings():
        assert escape(entry.data) in content
        assert escape(entry.retention()) in content
    assert "sans connexion depuis 2 ans" in content
    assert "30 jours" in content
    assert "contact@essaim.localhost" in content  # the contact for rights requests (brand's by default)


def test_changing_a_setting_changes_the_page(client, db, settings) -> None:  # noqa: ANN001
    settings.PRIVACY_RETENTION_DAYS = {
        **settings.PRIVACY_RETENTION_DAYS,
        "inactive_account": 1095,
        "login_attempt": 45,
    }
    settings.PRIVACY_CONTACT_EMAIL = "dpo@ville.example"
    content = client.get(reverse("privacy:policy")).content.decode()
    assert "sans connexion depuis 3 ans" in content
    assert "sans connexion depuis 2 ans" not in content
    assert "45 jours" in content
    assert "dpo@ville.example" in content


def test_the_footer_of_every_page_links_to_it(client, db) -> None:  # noqa: ANN001
    content = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("privacy:policy")}"' in content


def test_unsound_periods_stop_the_start(settings) -> None:  # noqa: ANN001
    settings.PRIVACY_RETENTION_DAYS = {
        **settings.PRIVACY_RETENTION_DAYS,
        "inactive_account": 30,
        "inactive_account_warning": 30,
    }
    assert "essaim.E021" in {error.id for error in run_checks()}
    settings.PRIVACY_RETENTION_DAYS = {**settings.PRIVACY_RETENTION_DAYS, "login_attempt": 0}
    assert "essaim.E020" in {error.id for error in run_checks()}

"""The personal-data registry: every app's reference to a person is declared, and periods read well."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from essaim.core import personal_data

# References to a person that the download leaves out on purpose, with the reason.
NOT_EXPORTED = {
    "privacy.AccountErasure.user": "the marker of a deleted account: no one downloads it",
}


def person_references() -> set[str]:
    user_model = get_user_model()
    return {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is user_model
    }


def test_every_model_field_pointing_at_a_person_is_covered_by_a_download_section() -> None:
    covered = {name for section in personal_data.export_sections() for name in section.covers}
    missing = person_references() - covered - set(NOT_EXPORTED)
    assert not missing, (
        f"These fields point at a person but no `data_protection.py` export declares them: {sorted(missing)}"
    )
    assert covered - person_references() <= {
        "accounts.Invitation.email",
        "core.ContactMessage.email",
    }, "an export covers a field that does not exist (or is not a reference to a person)"


def test_every_app_with_models_about_people_declares_a_page_row() -> None:
    apps_with_rows = {entry.key.split(".")[0] for entry in personal_data.processings()}
    apps_with_sections = {section.key.split(".")[0] for section in personal_data.export_sections()}
    assert apps_with_sections <= apps_with_rows


@pytest.mark.parametrize(
    ("days", "label"),
    [(1, "1 jour"), (30, "30 jours"), (90, "90 jours"), (365, "1 an"), (730, "2 ans"), (400, "400 jours")],
)
def test_periods_are_said_in_days_or_whole_years(days: int, label: str) -> None:
    assert personal_data.duration_label(days) == label

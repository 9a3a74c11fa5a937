"""The back office is in correct French: app headings (AppConfig.verbose_name), model names and their
plurals, field labels of every model it shows (issue 12 item 2: "ACCOUNTS", "Fournisseur informés",
"Réponse à un besoins")."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse

# Names Django would show as they are, that are French words.
FRENCH_FIELD_NAMES = {
    "action", "code", "commune", "communes", "conditions", "contract", "date", "description", "logo",
    "message", "mission", "notes", "organisation", "page", "participant", "population", "provenance",
    "score", "source", "structure", "tables",
}  # fmt: skip
ENGLISH_WORDS = re.compile(
    r"\b(accounts?|directory|territory|insight|cooperation|task|tasks|result|results|backend|database|"
    r"user|users|created|updated|by|hash|token|api_token|prefix|owner|group|need|buyer|requester|count)\b",
    re.IGNORECASE,
)


def shown_models() -> list[type[models.Model]]:
    """Every model the back office shows: registered, and edited inline."""
    shown: list[type[models.Model]] = []
    for model, model_admin in admin.site._registry.items():
        shown.append(model)
        shown.extend(inline.model for inline in model_admin.inlines)
    return shown


def essaim_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("essaim.")]


@pytest.mark.parametrize("model", sorted(set(shown_models() + essaim_models()), key=lambda m: m._meta.label))
def test_plurals_are_not_built_by_appending_s_to_a_phrase(model) -> None:
    opts = model._meta
    singular, plural = str(opts.verbose_name), str(opts.verbose_name_plural)
    if " " in singular:
        assert plural != singular + "s", f"{opts.label}: « {plural} » (declare verbose_name_plural)"
        assert "verbose_name_plural" in opts.original_attrs or model.__module__.startswith("django."), (
            f"{opts.label}: a name of several words needs its plural declared"
        )


@pytest.mark.parametrize("model", sorted(set(shown_models()), key=lambda m: m._meta.label))
def test_model_names_and_field_labels_of_the_back_office_are_french(model) -> None:
    opts = model._meta
    for name in (str(opts.verbose_name), str(opts.verbose_name_plural)):
        assert not ENGLISH_WORDS.search(name), f"{opts.label}: « {name} »"
    if not opts.concrete_model.__module__.startswith("essaim."):
        return  # Django's and axes' models come translated; a proxy's admin names its own columns
    untranslated = [
        field.name
        for field in opts.get_fields()
        if getattr(field, "concrete", False)
        and field.name != "id"
        and str(field.verbose_name) == field.name.replace("_", " ")
        and field.name not in FRENCH_FIELD_NAMES
    ]
    assert not untranslated, f"{opts.label}: fields labelled with their code name {untranslated}"


def test_no_app_heading_of_the_back_office_is_english() -> None:
    for label in sorted({model._meta.app_label for model in shown_models()} | {"api", "insight"}):
        config = apps.get_app_config(label)
        name = str(config.verbose_name)
        assert name != label.title() and name != label.replace("_", " ").title(), f"{label}: « {name} »"
        assert not ENGLISH_WORDS.search(name), f"{label}: « {name} »"


@pytest.mark.django_db
def test_the_back_office_index_reads_french(client_as, world) -> None:
    page = client_as("superuser").get(reverse("admin:index")).content.decode()
    for heading in ("Comptes", "Annuaire", "Coopération", "Besoins et sourcing", "Tâches en arrière-plan"):
        assert heading in page
    for english in ("Accounts", "Directory", "Task Results", "Tasks Database", "Fournisseur informés"):
        assert english not in page
    assert "Fournisseurs informés" in page and "Réponses à un besoin" in page

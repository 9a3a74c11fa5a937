"""Every place field of the site accepts "Vitry-sur-Seine" and "Grand-Orly Seine Bièvre" typed by hand.

The forms are found by walking every form class of every app, so a new place field cannot escape: a field
whose name says it takes a place must be a `PlaceField`, and every `PlaceField` must read both names.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms

import essaim
from essaim.territory.fields import COMMUNE_ONLY, PlaceField
from essaim.territory.models import Commune, Perimeter
from tests.territory_support import make_small_territory

pytestmark = pytest.mark.django_db

PLACE_NAME = re.compile(r"commune|perimet|place|works_in|located_in|territoire|territory|lieu")
# Fields whose name looks like a place but which are not one of the reference's places.
NOT_PLACES = {
    ("essaim.events.forms", "EventForm", "place"),  # the venue's address, printed on badges
    ("essaim.events.forms", "EventCreateForm", "place"),
}


def _form_classes() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(essaim.__path__, "essaim."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.Form]] = []
    todo: list[type] = [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("essaim.") and hasattr(sub, "base_fields"):
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def _place_fields() -> list[tuple[str, str, str, PlaceField]]:
    return [
        (cls.__module__, cls.__qualname__, name, field)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, PlaceField)
    ]


def test_every_field_named_like_a_place_is_a_place_field() -> None:
    escaped = [
        (cls.__module__, cls.__qualname__, name)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if PLACE_NAME.search(name)
        and not isinstance(field, PlaceField)
        and (cls.__module__, cls.__qualname__, name) not in NOT_PLACES
        and not isinstance(field.widget, forms.HiddenInput)
    ]
    assert escaped == []


def test_the_place_fields_are_found_in_every_app_that_asks_for_a_place() -> None:
    apps = {module.split(".")[1] for module, *_ in _place_fields()}
    assert {"cooperation", "directory", "sourcing"} <= apps
    assert len(_place_fields()) >= 14


@pytest.mark.parametrize("typed", ["Vitry-sur-Seine", "vitry sur seine", "Grand-Orly Seine Bièvre"])
def test_every_place_field_accepts_the_names_typed_by_hand(typed: str) -> None:
    make_small_territory()
    expected = Perimeter.objects.get(code="epci:200058014" if "Orly" in typed else "94081")
    for module, form, name, field in _place_fields():
        where = f"{module}.{form}.{name}"
        if field.kinds == COMMUNE_ONLY and expected.kind != Perimeter.Kind.COMMUNE:
            with pytest.raises(forms.ValidationError) as caught:
                field.clean(typed)
            assert caught.value.messages == [
                "« Grand-Orly Seine Bièvre » est un EPCI ou un EPT : indiquez ici une commune."
            ], where
            continue
        value = field.clean(typed)
        value = value[0] if isinstance(value, list) else value
        if field.returns == "code":
            assert value == expected.code, where
        elif field.returns == "commune":
            assert value == Commune.objects.get(code=expected.code), where
        else:
            assert value == expected, where

"""Places typed by name: the resolver behind every place field (on the whole reference extract)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from essaim.territory.codes import french_sort_key
from essaim.territory.models import Commune, Perimeter
from essaim.territory.selectors import (
    AmbiguousPlaceError,
    PlaceNotFoundError,
    WrongPlaceKindError,
    place_suggestions,
    resolve_place,
    resolve_places,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory_data")]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Vitry-sur-Seine", "94081"),
        ("vitry sur seine", "94081"),
        ("VITRY-SUR-SEINE", "94081"),
        ("Vitry", "94081"),  # several Vitry-…: the one of the platform's territory
        ("vitrysurseine", "94081"),
        ("Vitry-sur-Seine (94)", "94081"),
        ("Ivry", "94041"),
        ("L Hay les Roses", "94038"),
        ("Grand-Orly Seine Bièvre", "epci:200058014"),
        ("grand orly seine bievre", "epci:200058014"),
        ("Val-de-Marne", "dep:94"),
        ("Val-de-Marne (94)", "dep:94"),
        ("94", "dep:94"),
        ("2a", "dep:2A"),
        ("Île-de-France", "reg:11"),
        ("France entière", "national"),
        ("France", "national"),
        ("dep:94", "dep:94"),
        ("ept:200058014", "epci:200058014"),
        ("94081", "94081"),
        ("94400", "94081"),  # a postal code
        ("Paris (75)", "75056"),
        ("Paris (département)", "dep:75"),
    ],
)
def test_a_place_typed_by_name_or_code_resolves_to_it(typed: str, code: str) -> None:
    assert resolve_place(typed).code == code


def test_a_name_borne_by_several_communes_lists_them_all_in_french_order() -> None:
    with pytest.raises(AmbiguousPlaceError) as caught:
        resolve_place("Saint-Maur")
    choices = caught.value.choices
    assert len(choices) >= 4
    assert {p.name for p in choices} == {"Saint-Maur"}
    assert "« Saint-Maur » désigne plusieurs lieux" in caught.value.message
    assert "« Saint-Maur (36) »" in caught.value.message
    assert resolve_place("Saint-Maur (36)").code.startswith("36")


def test_an_unknown_name_is_a_clear_french_error() -> None:
    with pytest.raises(PlaceNotFoundError, match="Aucun lieu ne s'appelle « Vitryyy »"):
        resolve_place("Vitryyy")
    with pytest.raises(PlaceNotFoundError, match="code « dep:00 »"):
        resolve_place("dep:00")


def test_a_field_taking_communes_says_what_the_place_is() -> None:
    assert resolve_place("Vitry", kinds=["commune"]).code == "94081"
    with pytest.raises(
        WrongPlaceKindError,
        match="« Grand-Orly Seine Bièvre » est un EPCI ou un EPT : indiquez ici une commune",
    ):
        resolve_place("Grand-Orly Seine Bièvre", kinds=["commune"])


def test_several_places_separated_by_commas_or_codes_by_spaces() -> None:
    assert [p.code for p in resolve_places("Vitry-sur-Seine, Ivry")] == ["94081", "94041"]
    assert [p.code for p in resolve_places("dep:94 epci:200058014 94081")] == [
        "dep:94",
        "epci:200058014",
        "94081",
    ]
    with pytest.raises(PlaceNotFoundError) as caught:
        resolve_places("Vitry, Nullepart, Ailleursville")
    assert len(caught.value.errors) == 2  # every wrong place at once


def test_suggestions_are_in_french_order() -> None:
    names = [p.name for p in place_suggestions("ch", kinds=["commune"], limit=50)]
    assert names == sorted(names, key=french_sort_key)
    assert french_sort_key("Châtenay-Malabry") < french_sort_key("Choisy-le-Roi")


def _variant(name: str, case: str, accents: bool, hyphen: str) -> str:
    text = unidecode(name) if not accents else name
    text = text.replace("-", hyphen)
    return {"upper": text.upper(), "lower": text.lower(), "same": text}[case]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    index=st.integers(min_value=0, max_value=35_000),
    case=st.sampled_from(["upper", "lower", "same"]),
    accents=st.booleans(),
    hyphen=st.sampled_from(["-", " ", ""]),
)
def test_any_commune_name_in_any_spelling_resolves_to_it_or_to_a_choice_containing_it(
    index: int, case: str, accents: bool, hyphen: str
) -> None:
    codes = list(Commune.objects.order_by("code").values_list("code", flat=True))
    commune = Perimeter.objects.get(code=codes[index % len(codes)])
    typed = _variant(commune.name, case, accents, hyphen)
    try:
        found = resolve_place(typed)
    except AmbiguousPlaceError as error:
        assert commune in error.choices, typed
    else:
        assert found == commune, typed

"""Perimeter codes: accepted spellings and French error messages (no database)."""

from __future__ import annotations

import pytest

from essaim.core.errors import DomainError
from essaim.territory.codes import departement_code_of_commune, parse_perimeter_code, search_key
from essaim.territory.errors import UnknownPerimeterError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("94081", "94081"),
        ("com:94081", "94081"),
        (" COM:94081 ", "94081"),
        ("2a004", "2A004"),
        ("dep:94", "dep:94"),
        ("dep:2b", "dep:2B"),
        ("dep:971", "dep:971"),
        ("reg:11", "reg:11"),
        ("reg:975", "reg:975"),
        ("epci:200058014", "epci:200058014"),
        ("ept:200058014", "epci:200058014"),
        ("EPT:200058014", "epci:200058014"),
        ("national", "national"),
        ("National", "national"),
    ],
)
def test_accepted_spellings_give_the_canonical_code(text: str, expected: str) -> None:
    assert parse_perimeter_code(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Indiquez un code de périmètre"),
        ("   ", "Indiquez un code de périmètre"),
        ("9408", "n'est pas un code de périmètre"),
        ("Vitry", "n'est pas un code de périmètre"),
        ("canton:9401", "Type de périmètre inconnu « canton »"),
        ("dep:", "Code de périmètre mal formé"),
        ("dep:945", "attendu un code de département"),
        ("reg:1", "attendu un code de région"),
        ("epci:20005801", "attendu un numéro SIREN à 9 chiffres"),
        ("com:940811", "attendu un code INSEE à 5 caractères"),
    ],
)
def test_malformed_codes_raise_a_domain_error_in_french(text: str, fragment: str) -> None:
    with pytest.raises(UnknownPerimeterError) as caught:
        parse_perimeter_code(text)
    assert isinstance(caught.value, DomainError)
    assert fragment in caught.value.message


def test_search_key_ignores_accents_case_and_punctuation() -> None:
    assert search_key("L'Haÿ-les-Roses") == "l hay les roses"
    assert search_key("  Île-de-France ") == "ile de france"


@pytest.mark.parametrize(
    ("code", "departement"), [("94081", "94"), ("2A004", "2A"), ("97105", "971"), ("98818", "988")]
)
def test_departement_code_of_commune(code: str, departement: str) -> None:
    assert departement_code_of_commune(code) == departement

"""Perimeter codes: parsing and normalisation (pure, no database).

Canonical codes, as stored in `Perimeter.code`:

- ``national``: the whole of France (every commune of the reference data);
- ``reg:11``: a région (two digits, or three for the overseas collectivities such as ``reg:975``);
- ``dep:94``: a département (``dep:2A``, ``dep:971``);
- ``epci:200058014``: an EPCI or an EPT, by its SIREN (``ept:`` is accepted as an alias);
- ``94081``: a commune or a municipal arrondissement, by its INSEE code (``com:`` is accepted as an alias).
"""

from __future__ import annotations

import re

from unidecode import unidecode

from .errors import UnknownPerimeterError

NATIONAL = "national"
_COMMUNE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_REGION = re.compile(r"\d{2,3}")
_DEPARTEMENT = re.compile(r"(?:\d{2}|2[AB]|9[78]\d)")
_SIREN = re.compile(r"\d{9}")
_PREFIXES = {"com": "commune", "reg": "region", "dep": "departement", "epci": "epci", "ept": "epci"}


def parse_perimeter_code(text: str) -> str:
    """Return the canonical perimeter code for `text`, or raise `UnknownPerimeterError` (French message).

    Accepts "94081", "com:94081", "dep:94", "reg:11", "epci:200058014", "ept:200058014" and "national",
    whatever the case and surrounding spaces. Only the syntax is checked: no database query.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnknownPerimeterError("Indiquez un code de périmètre (par exemple « dep:94 » ou « 94081 »).")
    raw = text.strip()
    value = raw.upper()
    if value.lower() == NATIONAL:
        return NATIONAL
    if ":" not in value:
        if _COMMUNE.fullmatch(value):
            return value
        raise UnknownPerimeterError(
            f"« {raw} » n'est pas un code de périmètre : attendu un code INSEE de commune à 5 caractères "
            "(« 94081 ») ou un code préfixé (« dep:94 », « reg:11 », « epci:200058014 », « national »)."
        )
    prefix, _, suffix = value.partition(":")
    kind = _PREFIXES.get(prefix.strip().lower())
    suffix = suffix.strip()
    if kind is None:
        raise UnknownPerimeterError(
            f"Type de périmètre inconnu « {prefix.strip().lower()} » : utilisez « com », « dep », « reg », "
            "« epci », « ept » ou « national »."
        )
    if kind == "commune" and _COMMUNE.fullmatch(suffix):
        return suffix
    if kind == "region" and _REGION.fullmatch(suffix):
        return f"reg:{suffix}"
    if kind == "departement" and _DEPARTEMENT.fullmatch(suffix):
        return f"dep:{suffix}"
    if kind == "epci" and _SIREN.fullmatch(suffix):
        return f"epci:{suffix}"
    expected = {
        "commune": "un code INSEE à 5 caractères (« com:94081 »)",
        "region": "un code de région à 2 ou 3 chiffres (« reg:11 »)",
        "departement": "un code de département (« dep:94 », « dep:2A », « dep:971 »)",
        "epci": "un numéro SIREN à 9 chiffres (« epci:200058014 »)",
    }[kind]
    raise UnknownPerimeterError(f"Code de périmètre mal formé « {raw} » : attendu {expected}.")


def departement_code_of_commune(commune_code: str) -> str:
    """The département code implied by an INSEE commune code ("94081" → "94", "97105" → "971")."""
    return commune_code[:3] if commune_code[:2] in {"97", "98"} else commune_code[:2]


def search_key(text: str) -> str:
    """Lower-case ASCII with punctuation as single spaces: "L'Haÿ-les-Roses" → "l hay les roses"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unidecode(text).lower()).split())


def french_sort_key(name: str) -> tuple[str, str]:
    """Sort key for place names in French order: accents, case and punctuation only break ties
    ("Châtenay-Malabry" before "Choisy-le-Roi", "L'Haÿ-les-Roses" among the L)."""
    return search_key(name), name.casefold()


def departement_code(text: str) -> str | None:
    """The département code a bare number stands for ("94" → "94", "2a" → "2A", "971"), or None."""
    value = text.strip().upper()
    return value if _DEPARTEMENT.fullmatch(value) else None


def is_perimeter_code(text: str) -> bool:
    """Whether `text` is written as a perimeter code (syntax only)."""
    try:
        parse_perimeter_code(text)
    except UnknownPerimeterError:
        return False
    return True

"""The API's validation errors in French: pydantic's error types turned into one message per field."""

from __future__ import annotations

from typing import Any

WHERE = {"body", "query", "path", "payload", "header", "cookie"}

MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "string_too_short": "Ce champ ne peut pas être vide.",
    "string_too_long": "Ce texte est trop long ({max_length} caractères au plus).",
    "string_type": "Un texte est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "decimal_parsing": "Un nombre est attendu.",
    "decimal_type": "Un nombre est attendu.",
    "decimal_max_digits": "Ce nombre a trop de chiffres ({max_digits} au plus).",
    "decimal_max_places": "Ce nombre a trop de décimales ({decimal_places} au plus).",
    "decimal_whole_digits": "Ce nombre a trop de chiffres avant la virgule.",
    "finite_number": "Un nombre fini est attendu.",
    "greater_than_equal": "La valeur doit être au moins {ge}.",
    "greater_than": "La valeur doit dépasser {gt}.",
    "less_than_equal": "La valeur doit être au plus {le}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "bool_parsing": "Vrai ou faux attendu (true ou false).",
    "bool_type": "Vrai ou faux attendu (true ou false).",
    "date_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Une date est attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Une date sans heure est attendue (AAAA-MM-JJ).",
    "date_type": "Une date est attendue (AAAA-MM-JJ).",
    "list_type": "Une liste est attendue.",
    "too_long": "Cette liste est trop longue ({max_length} éléments au plus).",
    "literal_error": "Valeur inconnue : valeurs possibles {expected}.",
    "enum": "Valeur inconnue : valeurs possibles {expected}.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
}
UNKNOWN = "Valeur invalide."


def _message(error: dict[str, Any]) -> str:
    template = MESSAGES.get(str(error.get("type", "")), UNKNOWN)
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split(" (")[0].split(" :")[0].rstrip(".") + "."


def french_errors(errors: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    """`[{"field": "title", "message": "Ce champ est obligatoire."}, …]` (field None: the whole body)."""
    found = []
    for error in errors:
        path = [str(part) for part in error.get("loc", ()) if str(part) not in WHERE]
        found.append({"field": ".".join(path) or None, "message": _message(error)})
    return found

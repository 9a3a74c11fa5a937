"""What the database would refuse, checked before writing, so that an import's check (dry run) reports the
same rows as its commit, on SQLite (which enforces no length) and on PostgreSQL alike.

`database_errors(instance)` lists, in French, every value of a model instance that PostgreSQL refuses: a text
longer than its column, a NUL character (in text or inside JSON), an integer outside its column's range, a
decimal with too many digits. Import checks call it on the instance they are about to save.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

# PostgreSQL's column ranges (Django declares them once for every backend that enforces them).
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def _label(field: models.Field) -> str:
    return str(field.verbose_name or field.name)


def text_errors(label: str, value: str, max_length: int | None) -> list[str]:
    """The rules of one text column, for values checked before an instance exists."""
    if "\x00" in value:
        return [f"« {label} » contient un caractère nul, refusé par la base de données"]
    if max_length is not None and len(value) > max_length:
        return [f"« {label} » dépasse {max_length} caractères ({len(value)})"]
    return []


def database_errors(instance: models.Model, *, fields: Iterable[str] | None = None) -> list[str]:
    """French reasons why saving `instance` would fail in PostgreSQL (empty when it would not)."""
    wanted = set(fields) if fields is not None else None
    errors: list[str] = []
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        label = _label(field)
        if isinstance(value, str):
            errors += text_errors(label, value, getattr(field, "max_length", None))
        elif isinstance(field, models.JSONField) and _holds_nul(value):
            errors.append(f"« {label} » contient un caractère nul, refusé par la base de données")
        elif isinstance(value, int) and not isinstance(value, bool):
            low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                errors.append(f"« {label} » : {value} est hors des valeurs possibles ({low} à {high})")
        elif isinstance(value, Decimal) and isinstance(field, models.DecimalField):
            if not value.is_finite():
                errors.append(f"« {label} » : nombre invalide")
                continue
            digits = field.max_digits - field.decimal_places
            whole = abs(value).to_integral_value()
            if len(str(whole)) > digits and whole != 0:
                errors.append(f"« {label} » : {value} a trop de chiffres (au plus {digits} avant la virgule)")
    return errors


def without_nul(value: Any) -> Any:
    """`value` with every NUL character shown as ␀, to keep a rejected row (in JSON) for the report."""
    if isinstance(value, str):
        return value.replace("\x00", "␀")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul(v) for v in value]
    return value

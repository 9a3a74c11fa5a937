"""Validation of French company identifiers with python-stdnum, with messages in French."""

from __future__ import annotations

from types import ModuleType

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret


def _clean(value: str, module: ModuleType, label: str, digits: int) -> str:
    compact = module.compact(value or "")
    try:
        return str(module.validate(compact))
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(f"Un {label} compte {digits} chiffres.", code="invalid_length") from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError(f"Un {label} ne contient que des chiffres.", code="invalid_format") from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            f"Ce {label} n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.",
            code="invalid_checksum",
        ) from exc


def clean_siret(value: str) -> str:
    """Return the compact SIRET or raise a ValidationError in French."""
    return _clean(value, stdnum_siret, "SIRET", 14)


def clean_siren(value: str) -> str:
    """Return the compact SIREN or raise a ValidationError in French."""
    return _clean(value, stdnum_siren, "SIREN", 9)


def siret_validator(value: str) -> None:
    clean_siret(value)

"""Validation of French company identifiers with python-stdnum, with messages in French."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret


def clean_siret(value: str) -> str:
    """Return the compact SIRET or raise a ValidationError in French."""
    compact = stdnum_siret.compact(value or "")
    try:
        return str(stdnum_siret.validate(compact))
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError("Un SIRET compte 14 chiffres.", code="invalid_length") from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError("Un SIRET ne contient que des chiffres.", code="invalid_format") from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.",
            code="invalid_checksum",
        ) from exc


def clean_siren(value: str) -> str:
    compact = stdnum_siren.compact(value or "")
    try:
        return str(stdnum_siren.validate(compact))
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError("Un SIREN compte 9 chiffres.", code="invalid_length") from exc
    except stdnum_exceptions.InvalidFormat as exc:
        raise ValidationError("Un SIREN ne contient que des chiffres.", code="invalid_format") from exc
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            "Ce SIREN n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.",
            code="invalid_checksum",
        ) from exc


def siret_validator(value: str) -> None:
    clean_siret(value)


def siren_validator(value: str) -> None:
    clean_siren(value)

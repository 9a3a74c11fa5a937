"""The organisation behind a SIRET, as other apps need it (a contract's buyer or holder, a co-contractor):
found through the accounts or the directory, else created from the SIRET when Essaim does not know it yet.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.accounts.services import organisation_create
from essaim.accounts.validators import clean_siret
from essaim.directory.errors import DirectoryError
from essaim.directory.models import Structure


def valid_siret(value: str, *, field: str = "siret") -> str:
    """The compact SIRET (python-stdnum), or a French error naming the SIRET, on `field`."""
    try:
        return clean_siret(value)
    except ValidationError as error:
        raise DirectoryError(f"SIRET {value.strip() or 'vide'} : {error.messages[0]}", field=field) from error


def find_organisation(siret: str) -> Organisation | None:
    """The organisation of a (valid) SIRET: by its SIRET, through the directory structure of that SIRET, or
    the only organisation of that SIREN that has no SIRET of its own."""
    found = Organisation.objects.filter(siret=siret).first()
    if found is not None:
        return found
    structure = Structure.objects.filter(siret=siret, organisation__isnull=False).select_related(
        "organisation"
    )
    if (hit := structure.first()) is not None:
        return hit.organisation
    same_siren = list(Organisation.objects.filter(siren=siret[:9], siret="")[:2])
    return same_siren[0] if len(same_siren) == 1 else None


@transaction.atomic
def organisation_for_siret(
    *, actor: Actor, siret: str, kind: str, name: str = "", field: str = "siret"
) -> Organisation:
    """The organisation of `siret`, created when Essaim does not know it yet (named after the directory
    structure of that SIRET, else `name`, else the SIRET itself until someone edits it)."""
    siret = valid_siret(siret, field=field)
    found = find_organisation(siret)
    if found is not None:
        return found
    structure = Structure.objects.filter(siret=siret).first()
    label = (structure.name if structure else "") or name.strip() or siret
    return organisation_create(
        actor=actor,
        kind=kind,
        name=label,
        siret=siret,
        buyer_category=Organisation.BuyerCategory.OTHER if kind == Organisation.Kind.BUYER else "",
    )

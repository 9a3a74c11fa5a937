"""The organisation a write is made for: required by the cooperation services."""

from __future__ import annotations

from essaim.accounts.models import Organisation

from ..errors import CooperationError


def require_organisation(organisation: Organisation | None) -> Organisation:
    if organisation is None:
        raise CooperationError("Choisissez d'abord l'organisation au nom de laquelle vous agissez.")
    return organisation

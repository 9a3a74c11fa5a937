"""Who a write is made by: the organisation a user acts for, and the user to record (None if anonymous)."""

from __future__ import annotations

from typing import Any

from essaim.accounts.models import Organisation

from .errors import CooperationError


def require_organisation(organisation: Organisation | None) -> Organisation:
    if organisation is None:
        raise CooperationError("Choisissez d'abord l'organisation au nom de laquelle vous agissez.")
    return organisation


def acting_user(actor: Any) -> Any:
    """The user to record as author of a row: the actor when it is a signed-in user, otherwise None."""
    return actor if getattr(actor, "is_authenticated", False) else None

"""Who a write is made by: the user to record as author (None for a signed link or a command)."""

from __future__ import annotations

from typing import Any


def acting_user(actor: Any) -> Any:
    """The user to store in an author column: the actor when it is a signed-in user, otherwise None."""
    return actor if getattr(actor, "is_authenticated", False) else None

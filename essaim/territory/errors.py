"""The errors of the territory reference (messages in French, for users)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from essaim.core.errors import DomainError, NotFoundError


class UnknownPerimeterError(DomainError):
    """The text is not a perimeter code, or names no known perimeter."""

    default_message = "Ce périmètre est inconnu."


class PerimeterNotFoundError(UnknownPerimeterError, NotFoundError):
    """The code is well formed but no perimeter of the reference data carries it."""

    default_message = "Aucun périmètre ne correspond à ce code."


class PlaceNotFoundError(UnknownPerimeterError):
    """No place of the reference data bears the name typed."""

    default_message = "Aucun lieu ne porte ce nom."


class AmbiguousPlaceError(UnknownPerimeterError):
    """Several places bear the name typed: `choices` lists them (`Perimeter` rows, in French
    order), for the form to offer."""

    default_message = "Plusieurs lieux portent ce nom : précisez lequel."

    def __init__(self, message: str | None = None, *, choices: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.choices = list(choices)


class WrongPlaceKindError(UnknownPerimeterError):
    """The place exists but is not of a kind the field takes (an EPT where a commune is asked)."""

    default_message = "Ce lieu ne convient pas ici."

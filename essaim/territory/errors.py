"""The errors of the territory reference (messages in French, for users)."""

from essaim.core.errors import DomainError, NotFoundError


class UnknownPerimeterError(DomainError):
    """The text is not a perimeter code, or names no known perimeter."""

    default_message = "Ce périmètre est inconnu."


class PerimeterNotFoundError(UnknownPerimeterError, NotFoundError):
    """The code is well formed but no perimeter of the reference data carries it."""

    default_message = "Aucun périmètre ne correspond à ce code."

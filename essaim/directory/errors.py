"""The errors of the directory (messages in French, for users)."""

from essaim.core.errors import DomainError


class DirectoryError(DomainError):
    default_message = "Cette opération sur l'annuaire n'est pas possible."

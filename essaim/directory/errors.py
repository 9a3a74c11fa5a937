"""The errors the directory raises (messages in French, for users)."""

from essaim.core.errors import DomainError


class DirectoryError(DomainError):
    pass

"""The error the events services raise (messages in French, for users)."""

from essaim.core.errors import DomainError


class EventError(DomainError):
    pass

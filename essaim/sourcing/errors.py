"""The errors of the sourcing capability (messages in French, for users), on one base."""

from essaim.core.errors import DomainError


class SourcingError(DomainError):
    default_message = "Cette opération sur un besoin n'est pas possible."


class NeedError(SourcingError):
    """A need cannot be written or cannot change state."""


class AnswerError(SourcingError):
    """A supplier's answer is refused."""


class MatchInputError(SourcingError):
    """A need that cannot be matched (unknown sector, place, reservation…)."""


class CollaborationError(SourcingError):
    """A collaboration record is refused."""


class ForecastError(SourcingError):
    """A purchase forecast or a purchase-plan import is refused."""

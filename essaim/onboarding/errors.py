"""The errors of sign-up, join requests and the facilitators' console (messages in French, for users)."""

from essaim.core.errors import DomainError


class OnboardingError(DomainError):
    pass

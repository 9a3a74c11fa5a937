"""Errors of the privacy app, in French for the person reading them."""

from __future__ import annotations

from essaim.core.errors import DomainError
from essaim.core.personal_data import Obstacle


class PrivacyError(DomainError):
    pass


WRONG_PASSWORD = "Mot de passe incorrect : votre compte n'a pas été supprimé."  # noqa: S105  (a message, not a password)
ALREADY_DELETED = "Ce compte est déjà supprimé."


class AccountDeletionRefused(PrivacyError):
    """The account cannot be deleted yet; `obstacles` say why and where to fix it."""

    default_message = "Votre compte ne peut pas encore être supprimé."

    def __init__(self, obstacles: list[Obstacle]) -> None:
        super().__init__(" ".join(o.message for o in obstacles) or None)
        self.obstacles = obstacles

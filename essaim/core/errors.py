"""One error type per domain. Services raise them; views and the API turn them into messages or 4xx."""


class DomainError(Exception):
    """A rule of the domain was broken. `message` is shown to users, in French."""

    default_message = "Cette opération n'est pas possible."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class PermissionDeniedError(DomainError):
    default_message = "Vous n'avez pas le droit de faire cette opération."


class NotFoundError(DomainError):
    default_message = "Cet élément n'existe pas ou n'est plus disponible."


class BackupError(DomainError):
    """A backup that cannot be made or restored (`essaim backup` / `essaim restore`); says what to do."""


class RateLimited(DomainError):
    """Too many actions: the message says when to try again."""

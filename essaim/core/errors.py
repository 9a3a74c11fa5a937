"""One error type per domain. Services raise them; views and the API turn them into messages or 4xx."""

from collections.abc import Sequence

Problem = tuple[str | None, str]  # (the field it concerns or None, the French message)


class DomainError(Exception):
    """A rule of the domain was broken. `message` is shown to users, in French.

    A service that checks several rules reports every broken one at once: `errors` lists them as
    (field, message), so that a form shows them all together instead of one per submission
    (`NeedError(errors=[("title", "…"), ("deadline", "…")])`); `message` and `field` are then the first.
    """

    default_message = "Cette opération n'est pas possible."

    def __init__(
        self, message: str | None = None, *, field: str | None = None, errors: Sequence[Problem] = ()
    ) -> None:
        if errors:
            field, message = errors[0]
        self.message = message or self.default_message
        self.field = field
        self.errors: list[Problem] = list(errors) or [(field, self.message)]
        super().__init__(self.message)


class PermissionDeniedError(DomainError):
    default_message = "Vous n'avez pas le droit de faire cette opération."


class NotFoundError(DomainError):
    default_message = "Cet élément n'existe pas ou n'est plus disponible."


class BackupError(DomainError):
    """A backup that cannot be made or restored (`essaim backup` / `essaim restore`); says what to do."""


class RateLimited(DomainError):
    """Too many actions: the message says when to try again."""

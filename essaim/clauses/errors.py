"""The errors the social clauses services raise (messages in French, for users)."""

from essaim.core.errors import DomainError


class ClauseError(DomainError):
    default_message = "Cette opération sur une clause sociale n'est pas possible."


class StatementLockedError(ClauseError):
    default_message = (
        "Ce relevé mensuel est validé : seule l'équipe d'animation peut encore corriger ses heures."
    )

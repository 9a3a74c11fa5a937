"""The errors of the insight capability (messages in French, for users)."""

from essaim.core.errors import DomainError


class InsightError(DomainError):
    default_message = "Ces indicateurs ne peuvent pas être calculés."


class StoreUnavailable(InsightError):
    default_message = (
        "Les données de la commande publique ne sont pas encore disponibles : "
        "l'entrepôt n'a pas été importé ou il est en cours de mise à jour."
    )

"""The errors the cooperation services raise (messages in French, for users)."""

from essaim.core.errors import DomainError


class CooperationError(DomainError):
    default_message = "Cette opération de coopération n'est pas possible."


class BookingConflictError(CooperationError):
    default_message = "La ressource est déjà réservée sur une partie de cette période."


PRIVATE_GROUP_NOT_OPEN = (
    "Un groupe privé ne peut pas être ouvert à tous : choisissez l'adhésion sur demande, "
    "ou rendez le groupe public."
)

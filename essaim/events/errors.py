"""The error the events services raise (messages in French, for users)."""

from essaim.core.errors import DomainError


class EventError(DomainError):
    pass


# Messages (tests assert on these constants)
REGISTRATION_CLOSED = "Les inscriptions à cet événement sont fermées."
ALREADY_REGISTERED = "Vous êtes déjà inscrit à cet événement."
VISITORS_TAKE_NO_MEETINGS = "Les visiteurs ne prennent pas de rendez-vous."
ALREADY_REQUESTED = "Vous avez déjà demandé un rendez-vous à cette personne."
OUTCOME_AFTER_EVENT = "La suite d'un rendez-vous se renseigne après l'événement."
ROLE_NOT_ALLOWED = "Une organisation de type « {kind} » ne peut pas s'inscrire comme « {role} »."
SCHEDULE_CHANGED = (
    "Le planning a changé pendant le calcul (un rendez-vous verrouillé ou forcé, une demande ou une "
    "disponibilité modifiée par une autre personne) : rien n'a été enregistré, relancez le calcul."
)

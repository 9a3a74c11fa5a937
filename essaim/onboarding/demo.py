"""Demo of people joining on their own (a step of `essaim demo_setup`, after the cooperation step that
creates the partners): one person asks to manage Q-Tanné's directory profile and another asks to join
PLIE Avenir Initiatives, a partner without administrator. Both wait, so that the facilitators' console
and review queue show something to decide. The two people are fictitious; the organisations are the
article's, with no identifier invented. Idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import Organisation, User
from essaim.core.demo import DEMO_PASSWORD
from essaim.directory.models import ClaimRequest, Structure
from essaim.directory.services import claim_request

from .models import JoinRequest
from .services import join_request_create

# (email, full name, what they wait for, its name, message)
CLAIMANT = (
    "atelier@q-tanne.essaim.demo",
    "Inès Roussel",
    "Q-Tanné",
    "Je coordonne les ateliers de maroquinerie de Q-Tanné et voudrais tenir notre fiche à jour.",
)
JOINER = (
    "emploi@plie-avenir.essaim.demo",
    "Karim Haddad",
    "PLIE Avenir Initiatives",
    "Chargé de relations entreprises au PLIE, je suis les clauses sociales des marchés du territoire.",
)


def _person(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


@transaction.atomic
def load_demo() -> str:
    done = []
    email, full_name, name, message = CLAIMANT
    structure = Structure.objects.filter(name=name).first()
    if structure is not None:
        user = _person(email, full_name)
        if not ClaimRequest.objects.filter(structure=structure, user=user).exists():
            claim_request(user=user, structure=structure, message=message)
        done.append(f"{full_name} demande à gérer la fiche de « {name} »")
    email, full_name, name, message = JOINER
    organisation = Organisation.objects.filter(name=name, kind=Organisation.Kind.PARTNER).first()
    if organisation is not None:
        user = _person(email, full_name)
        if not JoinRequest.objects.filter(organisation=organisation, user=user).exists():
            join_request_create(user=user, organisation=organisation, message=message)
        done.append(f"{full_name} demande à rejoindre « {name} »")
    return " ; ".join(done) + " (en attente)"

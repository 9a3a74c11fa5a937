"""Demo organisations and people: one login per role (a step of `essaim demo_setup`). Idempotent."""

from __future__ import annotations

from django.db import transaction

from essaim.core.demo import DEMO_PASSWORD, DemoLogin

from .models import Membership, Organisation, User
from .services import membership_add

# (role label, email, full name, organisation kind, organisation name, buyer category, commune, SIREN, role)
DEMO_PEOPLE = [
    (
        "Animatrice du territoire",
        "animatrice@essaim.demo",
        "Claire Martin",
        Organisation.Kind.TERRITORY,
        "Grand-Orly Seine Bièvre — Mission ESS et achats responsables",
        "",
        "94081",
        "200058014",
        "admin",
    ),
    (
        "Acheteuse publique",
        "acheteuse@vitry.essaim.demo",
        "Samia Benali",
        Organisation.Kind.BUYER,
        "Ville de Vitry-sur-Seine",
        Organisation.BuyerCategory.COMMUNE,
        "94081",
        "219400819",
        "admin",
    ),
    (
        "Acheteur public (EPT)",
        "acheteur@gosb.essaim.demo",
        "Marc Lefèvre",
        Organisation.Kind.BUYER,
        "Établissement Public Territorial Grand-Orly Seine Bièvre",
        Organisation.BuyerCategory.EPCI,
        "94081",
        "200058014",
        "admin",
    ),
    (
        "Acheteuse publique",
        "acheteuse@ivry.essaim.demo",
        "Julie Nguyen",
        Organisation.Kind.BUYER,
        "Ville d'Ivry-sur-Seine",
        Organisation.BuyerCategory.COMMUNE,
        "94041",
        "219400413",
        "admin",
    ),
    (
        "Fournisseur de l'ESS",
        "contact@rejoue.essaim.demo",
        "Lucie Garnier",
        Organisation.Kind.SUPPLIER,
        "Rejoué",
        "",
        "94081",
        "",
        "admin",
    ),
    (
        "Partenaire",
        "contact@cress.essaim.demo",
        "Thomas Moreau",
        Organisation.Kind.PARTNER,
        "Chambre Régionale de l'ESS Île-de-France",
        "",
        "",
        "",
        "admin",
    ),
]
ADMIN_EMAIL = "admin@essaim.demo"


@transaction.atomic
def load_demo_people() -> list[DemoLogin]:
    # The territory's communes, reached through the foreign key: accounts imports no app but core.
    communes = Organisation._meta.get_field("commune").related_model._default_manager
    logins = []
    for label, email, full_name, kind, org_name, category, commune, siren, role in DEMO_PEOPLE:
        commune_id = commune if commune and communes.filter(code=commune).exists() else None
        organisation, _ = Organisation.objects.get_or_create(
            kind=kind,
            name=org_name,
            defaults={"buyer_category": category, "commune_id": commune_id, "siren": siren},
        )
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        if not Membership.objects.filter(user=user, organisation=organisation).exists():
            membership_add(actor=None, organisation=organisation, user=user, role=role)
        logins.append(DemoLogin(label, email, org_name))
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(
            email=ADMIN_EMAIL, password=DEMO_PASSWORD, full_name="Administrateur technique"
        )
    logins.append(DemoLogin("Administrateur technique (back-office complet)", ADMIN_EMAIL, "—"))
    return logins


def load_demo() -> list[DemoLogin]:
    """The demo step: the people join the organisations of the directory's structures (run after it)."""
    return load_demo_people()

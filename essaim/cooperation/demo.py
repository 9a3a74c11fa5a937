"""Demo data of the cooperation capability (called by `essaim demo_setup`). Idempotent.

From the "matinale des achats responsables" article: the partners who presented their support offers, the
textile working group decided at the first textile sector meeting (towards a PTCE) with its members, an
action plan and the last four quarters of material flows, and two pooled resources (a van and a workshop
space). Every date is relative to today and follows the textile meeting of the events demo (about a year
ago): the first actions are done, the others due in the coming months, none late.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add
from essaim.core.demo import DEMO_PASSWORD
from essaim.core.french import counted, plural
from essaim.directory.models import Structure
from essaim.events.demo import textile_day
from essaim.events.models import Event
from essaim.territory.models import Commune, Perimeter

from .models import (
    GroupAction,
    GroupMeeting,
    GroupMember,
    MaterialFlow,
    Resource,
    SupportOffer,
    WorkingGroup,
)

TEXTILE_GROUP = "Filière textile — vers un PTCE"
TERRITORY_TEAM = "Grand-Orly Seine Bièvre — Mission ESS et achats responsables"
OWNER_EMAIL = "logistique@ressourcerie-spectacle.essaim.demo"

# name, commune (INSEE code) when the organisation has to be created
PARTNERS = {
    "Métropole du Grand Paris": "",
    "Réseau IAE Val-de-Marne": "94081",
    "Act'Essonne": "",
    "Les Canaux — Fabrique des Jeux": "",
    "Chambre Régionale de l'ESS Île-de-France": "",
    "PLIE Avenir Initiatives": "94041",
    "ADEME Île-de-France": "",
}

# partner, title, audience, topics, perimeter code ("" = everywhere), how to access, contact
OFFERS = [
    (
        "Métropole du Grand Paris",
        "Fonds Économie circulaire et Économie sociale et solidaire",
        "tous",
        ["financement", "cooperation"],
        "",
        "Appel à projets annuel ouvert aux structures et aux collectivités de la Métropole ; dossier en ligne, "
        "accompagnement au montage par les chargés de mission.",
        "ess@metropolegrandparis.essaim.demo",
    ),
    (
        "Réseau IAE Val-de-Marne",
        "Trouver une SIAE et construire une clause d'insertion",
        "acheteurs",
        ["sourcing", "clauses-sociales", "reservation"],
        "dep:94",
        "Un rendez-vous avec la facilitatrice du réseau : analyse du marché, liste de SIAE à consulter, "
        "rédaction de la clause.",
        "facilitation@reseau-iae94.essaim.demo",
    ),
    (
        "Act'Essonne",
        "Accompagner la création et le développement d'activités de l'ESS",
        "fournisseurs",
        ["creation-activite", "financement"],
        "dep:91",
        "Diagnostic gratuit puis parcours d'accompagnement (DLA, incubation) ; prise de contact par courriel.",
        "contact@act-essonne.essaim.demo",
    ),
    (
        "Les Canaux — Fabrique des Jeux",
        "Achats responsables : repérer les fournisseurs de l'économie circulaire",
        "acheteurs",
        ["sourcing", "cooperation"],
        "",
        "Sessions de sourcing thématiques et visites de structures ; inscription sur la page de l'événement.",
        "achats@lescanaux.essaim.demo",
    ),
    (
        "Chambre Régionale de l'ESS Île-de-France",
        "Ouvrir ses marchés à l'ESS : diagnostic et mise en relation",
        "tous",
        ["sourcing", "reservation", "clauses-sociales", "cooperation"],
        "reg:11",
        "Diagnostic des achats, mise en relation avec les structures, appui aux groupements momentanés "
        "d'entreprises de l'ESS.",
        "achats@cress-idf.essaim.demo",
    ),
    (
        "PLIE Avenir Initiatives",
        "Facilitation des clauses sociales d'insertion",
        "acheteurs",
        ["clauses-sociales", "formation"],
        "epci:200058014",
        "Le facilitateur du PLIE calcule les heures d'insertion, propose les candidats et suit l'exécution.",
        "clauses@plie-avenir.essaim.demo",
    ),
    (
        "ADEME Île-de-France",
        "Agir pour la Transition : aides à l'économie circulaire et au réemploi textile",
        "fournisseurs",
        ["financement", "cooperation"],
        "",
        "Dépôt sur la plateforme « Agir pour la Transition » ; démarche Économie de la Fonctionnalité et de la "
        "Coopération proposée aux collectifs.",
        "economie-circulaire@ademe.essaim.demo",
    ),
    (
        "Fashion Green Hub",
        "Plateau Fertile : coworking, fablab et formations de la mode durable",
        "fournisseurs",
        ["locaux", "formation", "cooperation"],
        "",
        "Postes de coworking, machines du fablab et formations aux métiers de la production et du réemploi "
        "textile, au Plateau Fertile à Paris.",
        "plateau@fashiongreenhub.essaim.demo",
    ),
]

# name, member type, role, commune when created
MEMBERS = [
    (TERRITORY_TEAM, GroupMember.MemberType.LOCAL_AUTHORITY, GroupMember.Role.COORDINATOR, "94081"),
    ("Fashion Green Hub", GroupMember.MemberType.BUSINESS, GroupMember.Role.COORDINATOR, ""),
    ("Q-Tanné", GroupMember.MemberType.ESS, GroupMember.Role.MEMBER, "94041"),
    ("Ressourcerie du spectacle", GroupMember.MemberType.ESS, GroupMember.Role.MEMBER, "94081"),
    ("Ville d'Ivry-sur-Seine", GroupMember.MemberType.LOCAL_AUTHORITY, GroupMember.Role.MEMBER, "94041"),
    ("Métropole du Grand Paris", GroupMember.MemberType.PARTNER, GroupMember.Role.MEMBER, ""),
    ("Chambre Régionale de l'ESS Île-de-France", GroupMember.MemberType.PARTNER, GroupMember.Role.MEMBER, ""),
    ("ADEME Île-de-France", GroupMember.MemberType.PARTNER, GroupMember.Role.MEMBER, ""),
]

# title, owner, due date ("after": days after the textile meeting; "ahead": days from today), status
ACTIONS = [
    (
        "Cartographier les acteurs textiles du territoire",
        "Chambre Régionale de l'ESS Île-de-France",
        ("after", 90),
        "fait",
    ),
    ("Recenser les besoins en locaux et en stockage", TERRITORY_TEAM, ("after", 180), "fait"),
    (
        "Mutualiser une tournée de collecte entre ressourceries",
        "Ressourcerie du spectacle",
        ("ahead", 30),
        "en-cours",
    ),
    (
        "Étudier un atelier partagé de réparation et de transformation",
        "Fashion Green Hub",
        ("ahead", 75),
        "en-cours",
    ),
    (
        "Construire un parcours de formation aux métiers du réemploi textile",
        "Q-Tanné",
        ("ahead", 150),
        "a-faire",
    ),
    ("Monter le dossier de candidature PTCE", TERRITORY_TEAM, ("ahead", 240), "a-faire"),
]

# member, material, quarterly tonnes collected (reused and recycled are shares of it)
FLOWS = [
    (
        "Ressourcerie du spectacle",
        MaterialFlow.Material.CLOTHING,
        ["6.2", "5.8", "7.1", "8.4"],
        "0.55",
        "0.30",
    ),
    (
        "Ressourcerie du spectacle",
        MaterialFlow.Material.HOUSEHOLD_LINEN,
        ["1.4", "1.1", "1.6", "1.9"],
        "0.40",
        "0.45",
    ),
    ("Q-Tanné", MaterialFlow.Material.LEATHER, ["0.35", "0.42", "0.38", "0.51"], "0.70", "0.10"),
    ("Fashion Green Hub", MaterialFlow.Material.OFFCUTS, ["2.1", "2.6", "2.4", "3.0"], "0.35", "0.50"),
]


def last_quarters(today: date, count: int = 4) -> list[tuple[int, int]]:
    """The last `count` complete quarters before `today`, oldest first: (year, quarter)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        quarters.append((year, quarter))
    return quarters[::-1]


def _perimeter(code: str) -> Perimeter | None:
    return Perimeter.objects.filter(code=code).first() if code else None


def _commune(code: str) -> str | None:
    return code if code and Commune.objects.filter(code=code).exists() else None


def _organisation(name: str, kind: str, commune: str = "") -> Organisation:
    """The directory structure's organisation when the structure exists, else one found or created by name."""
    structure = Structure.objects.filter(name__iexact=name, organisation__isnull=False).select_related(
        "organisation"
    )
    if structure.exists():
        return structure.first().organisation  # type: ignore[union-attr, return-value]
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(kind=kind, name=name, commune_id=_commune(commune))
    return organisation


@transaction.atomic
def load_demo() -> str:
    partners = {name: _organisation(name, Organisation.Kind.PARTNER, c) for name, c in PARTNERS.items()}
    offers = 0
    for partner, title, audience, topics, perimeter, how, contact in OFFERS:
        organisation = partners.get(partner) or _organisation(partner, Organisation.Kind.SUPPLIER)
        _, created = SupportOffer.objects.get_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "description": how.split(";")[0] + ".",
                "audience": audience,
                "topics": SupportOffer.encode_topics(topics),
                "perimeter": _perimeter(perimeter),
                "how_to_access": how,
                "contact_email": contact,
            },
        )
        offers += created

    group, _ = WorkingGroup.objects.get_or_create(
        name=TEXTILE_GROUP,
        defaults={
            "purpose": (
                "Issu de la première rencontre de la filière textile (mois de l'ESS, avec la ville "
                "d'Ivry-sur-Seine) : fédérer ressourceries, ateliers de transformation, associations et "
                "institutions autour d'une mode plus durable, mutualiser locaux, matériel et logistique, "
                "développer les formations et préparer un pôle territorial de coopération économique (PTCE)."
            ),
            "perimeter": _perimeter("epci:200058014"),
            "access": WorkingGroup.Access.REQUEST,
            "is_private": True,
            "tracks_material_flows": True,
        },
    )
    members = {}
    for name, member_type, role, commune in MEMBERS:
        kind = Organisation.Kind.TERRITORY if name == TERRITORY_TEAM else Organisation.Kind.SUPPLIER
        if member_type == GroupMember.MemberType.PARTNER:
            kind = Organisation.Kind.PARTNER
        if name.startswith("Ville d"):
            kind = Organisation.Kind.BUYER
        organisation = partners.get(name) or _organisation(name, kind, commune)
        members[name] = organisation
        GroupMember.objects.get_or_create(
            group=group,
            organisation=organisation,
            defaults={"member_type": member_type, "role": role, "status": GroupMember.Status.ACTIVE},
        )
    today = timezone.localdate()
    textile_event = Event.objects.filter(title__icontains="textile").order_by("starts_at").first()
    met_on = timezone.localdate(textile_event.starts_at) if textile_event else textile_day(today)
    for title, owner, (anchor, days), status in ACTIONS:
        due = (met_on if anchor == "after" else today) + timedelta(days=days)
        GroupAction.objects.get_or_create(
            group=group,
            title=title,
            defaults={"owner": members.get(owner), "due_date": due, "status": status},
        )
    GroupMeeting.objects.get_or_create(
        group=group,
        title="Première rencontre de la filière textile",
        defaults={
            "event": textile_event,
            "held_on": met_on,
            "notes": "Besoins partagés : locaux, financement, mutualisation du matériel et de la logistique, "
            "formations. Décision : créer un groupe de travail vers un PTCE.",
        },
    )
    GroupMeeting.objects.get_or_create(
        group=group,
        title="Atelier mutualisation logistique",
        defaults={
            "held_on": met_on + timedelta(days=150),
            "notes": "Tournée commune de collecte à l'essai sur Vitry et Ivry.",
        },
    )
    for name, material, quarterly, reuse_share, recycle_share in FLOWS:
        for (year, quarter), collected in zip(last_quarters(today), quarterly, strict=True):
            tonnes = Decimal(collected)
            MaterialFlow.objects.get_or_create(
                group=group,
                organisation=members[name],
                year=year,
                quarter=quarter,
                material=material,
                defaults={
                    "collected_t": tonnes,
                    "reused_t": (tonnes * Decimal(reuse_share)).quantize(Decimal("0.001")),
                    "recycled_t": (tonnes * Decimal(recycle_share)).quantize(Decimal("0.001")),
                },
            )

    ressourcerie = members["Ressourcerie du spectacle"]
    Resource.objects.get_or_create(
        owner=ressourcerie,
        title="Camion 20 m³ avec hayon",
        defaults={
            "kind": "vehicule",
            "description": "Camion de la ressourcerie, prêté entre ses tournées pour les collectes et livraisons "
            "des membres de la filière. Permis B suffit.",
            "commune_id": _commune("94081"),
            "perimeter": _perimeter("epci:200058014"),
            "capacity": "20 m³, 1 000 kg",
            "conditions": "partage-frais",
            "price": "Carburant et 0,20 € par km",
        },
    )
    Resource.objects.get_or_create(
        owner=members["Q-Tanné"],
        title="Atelier de maroquinerie partagé",
        defaults={
            "kind": "atelier",
            "description": "Trois postes de travail du cuir (machine à coudre, parage) disponibles le lundi et le "
            "mardi pour les structures de la filière.",
            "commune_id": _commune("94041"),
            "capacity": "3 postes",
            "conditions": "prix",
            "price": "15 € la demi-journée par poste",
        },
    )
    owner = User.objects.filter(email=OWNER_EMAIL).first()
    if owner is None:
        owner = User.objects.create_user(email=OWNER_EMAIL, password=DEMO_PASSWORD, full_name="Karim Haddad")
    if not Membership.objects.filter(user=owner, organisation=ressourcerie).exists():
        membership_add(actor=None, organisation=ressourcerie, user=owner, role=Membership.Role.ADMIN)
    return (
        f"{len(partners)} partenaires, {counted(offers, 'offre')} créée{plural(offers)}, groupe « {TEXTILE_GROUP} », "
        f"camion et atelier partagés ; propriétaire du camion : {OWNER_EMAIL}"
    )

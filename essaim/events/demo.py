"""Demo events from the seed article: the "Matinale des achats socialement responsables" (stands, registered
buyers and suppliers, accepted meeting requests, a published schedule and agendas) and the textile sector
meeting in Ivry-sur-Seine. Idempotent: `load_demo()` changes nothing when run twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add
from essaim.core.demo import DEMO_PASSWORD
from essaim.directory.models import Structure
from essaim.territory.models import Commune

from . import services
from .models import Event, MeetingRequest, Registration

MATINALE = "Matinale des achats socialement responsables"
TEXTILE = "Le textile dans tous ses états"
PARIS = ZoneInfo("Europe/Paris")

# (structure name fragment, stand, pitch, demo login)
EXHIBITORS = [
    (
        "Ressourcerie du spectacle",
        "A1",
        "Stands en bois réutilisables, décors et mobilier de réemploi.",
        "ressourcerie",
    ),
    ("Med Arcade", "A2", "Bornes d'arcade issues du réemploi, pour vos séminaires et fêtes.", "medarcades"),
    ("Q-Tanné", "A3", "Ateliers de maroquinerie et petite maroquinerie sur mesure.", "qtanne"),
    ("Imparfaites", "B1", "Confitures anti-gaspi pour vos buffets et cadeaux.", "imparfaites"),
    ("Jus de Mama", "B2", "Jus artisanaux en bouteilles consignées.", "jusdemama"),
    ("Café Bulbe", "B3", "Foodtruck et restauration pour vos événements.", "cafebulbe"),
    ("Rejoué", "C1", "Jouets de réemploi pour les crèches et centres de loisirs.", None),
    (
        "Études et Chantiers",
        "C2",
        "Chantiers d'insertion : espaces verts, bâtiment, vélo.",
        "etudeschantiers",
    ),
]
BUYER_EMAILS = ["acheteuse@vitry.essaim.demo", "acheteur@gosb.essaim.demo", "acheteuse@ivry.essaim.demo"]
SUPPLIER_LOGIN = "contact@rejoue.essaim.demo"
PARTNER_LOGIN = "contact@cress.essaim.demo"
FACILITATOR_LOGIN = "animatrice@essaim.demo"


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hour, minute), tzinfo=PARIS)


def _structure(fragment: str) -> Any:
    return Structure.objects.filter(name__icontains=fragment).select_related("organisation").first()


def _supplier_person(fragment: str, login: str | None) -> tuple[Organisation, User | None, Any]:
    """The exhibitor's organisation (from the directory when present), and a demo person in it."""
    structure = _structure(fragment)
    organisation = structure.organisation if structure and structure.organisation else None
    if organisation is None:
        organisation = Organisation.objects.filter(
            name__icontains=fragment, kind=Organisation.Kind.SUPPLIER
        ).first()
    if organisation is None:
        organisation = Organisation.objects.create(kind=Organisation.Kind.SUPPLIER, name=fragment)
    if login is None:
        person = User.objects.filter(email=SUPPLIER_LOGIN).first()
        if (
            person is not None
            and not Membership.objects.filter(user=person, organisation=organisation).exists()
        ):
            membership_add(actor=None, organisation=organisation, user=person, role="admin")
        return organisation, person, structure
    email = f"contact@{login}.essaim.demo"
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=f"Contact {fragment}"
        )
    if not Membership.objects.filter(user=person, organisation=organisation).exists():
        membership_add(actor=None, organisation=organisation, user=person, role="admin")
    return organisation, person, structure


def _register(
    event: Event, person: User | None, organisation: Organisation, role: str
) -> Registration | None:
    if person is None:
        return None
    existing = Registration.objects.active().filter(event=event, user=person).first()
    if existing is not None:
        return existing
    if not Membership.objects.filter(user=person, organisation=organisation).exists():
        return None
    return services.registration_create(actor=person, event=event, organisation=organisation, role=role)


def _matinale(facilitator: User | None, territory: Organisation | None) -> str:
    day = timezone.localtime() + timedelta(days=21)
    event = Event.objects.filter(title=MATINALE).first()
    if event is not None:
        return "déjà présente"
    event = services.event_create(
        actor=facilitator,
        title=MATINALE,
        kind=Event.Kind.MATINALE,
        organiser=territory,
        description=(
            "Deuxième édition de la matinale : des solutions pour une commande publique plus responsable. "
            "Acheteurs publics, services opérationnels de l'Établissement Public Territorial et des villes, et "
            "acteurs de l'ESS se retrouvent pour des retours d'expérience, des stands conçus par la Ressourcerie "
            "du spectacle et des rendez-vous d'affaires planifiés."
        ),
        place="Grand-Orly Seine Bièvre, salle des fêtes",
        commune=Commune.objects.filter(pk="94081").first(),
        starts_at=_at(day, 9),
        ends_at=_at(day, 12, 30),
        capacity=90,
        capacity_buyer=40,
        offers_meetings=True,
    )
    for title, kind, start, end, speakers in [
        ("Accueil et ouverture", "pleniere", (9, 0), (9, 20), "Grand-Orly Seine Bièvre"),
        (
            "Retours d'expérience : jouets recyclés à Vitry-sur-Seine, espaces verts à Limeil-Brévannes",
            "table-ronde",
            (9, 20),
            (10, 0),
            "Rejoué, Ville de Vitry-sur-Seine, Études et Chantiers, Confluences",
        ),
        (
            "L'offre d'accompagnement aux achats responsables",
            "table-ronde",
            (10, 0),
            (10, 30),
            "Métropole du Grand Paris, Réseau IAE, Act'Essonne, Les Canaux, CRESS, PLIE Avenir Initiatives",
        ),
        ("Rendez-vous acheteurs–fournisseurs et stands", "rendez-vous", (10, 30), (12, 15), ""),
    ]:
        services.programme_item_add(
            actor=facilitator,
            event=event,
            title=title,
            kind=kind,
            starts_at=_at(day, *start),
            ends_at=_at(day, *end),
            speakers=speakers,
        )
    services.meeting_setup_update(
        actor=facilitator,
        event=event,
        meetings_start_at=_at(day, 10, 30),
        slot_minutes=15,
        slot_count=6,
        breaks=[3],
        break_minutes=15,
        tables=4,
    )
    event.refresh_from_db()
    suppliers = []
    for fragment, location, pitch, login in EXHIBITORS:
        organisation, person, structure = _supplier_person(fragment, login)
        sectors = structure.top_sectors if structure is not None else []
        services.stand_create(
            actor=facilitator,
            event=event,
            name=structure.name if structure else fragment,
            organisation=organisation,
            structure=structure,
            location=location,
            pitch=pitch,
            sectors=sectors,
        )
        registration = _register(event, person, organisation, "fournisseur")
        if registration is not None:
            services.meeting_profile_update(
                actor=person, registration=registration, offer=pitch, seek="", available_slots=list(range(6))
            )
            suppliers.append(registration)
    partner = User.objects.filter(email=PARTNER_LOGIN).first()
    if partner is not None:
        membership = partner.memberships.select_related("organisation").first()
        if membership is not None:
            _register(event, partner, membership.organisation, "partenaire")
    buyers = []
    for email in BUYER_EMAILS:
        person = User.objects.filter(email=email).first()
        membership = person.memberships.select_related("organisation").first() if person else None
        if person is None or membership is None:
            continue
        registration = _register(event, person, membership.organisation, "acheteur")
        if registration is not None:
            services.meeting_profile_update(
                actor=person,
                registration=registration,
                offer="",
                seek="Fournisseurs de l'ESS pour l'événementiel, la restauration et les espaces verts.",
                available_slots=list(range(6)),
            )
            buyers.append(registration)
    # Accepted requests: each buyer asks for three suppliers; some suppliers ask back (mutual requests).
    for index, buyer in enumerate(buyers):
        for offset in range(3):
            if not suppliers:
                break
            supplier = suppliers[(index * 2 + offset) % len(suppliers)]
            request = services.meeting_request_create(
                actor=buyer.user, requester=buyer, recipient=supplier, priority=3 - offset
            )
            services.meeting_request_decide(actor=supplier.user, request=request, accept=True)
            if offset == 0:
                back = services.meeting_request_create(
                    actor=supplier.user, requester=supplier, recipient=buyer, priority=2
                )
                services.meeting_request_decide(actor=buyer.user, request=back, accept=True)
    if MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED).exists():
        services.schedule_run(actor=facilitator, event=event, time_limit=5)
        services.agendas_publish(actor=facilitator, event=event)
    return f"{len(buyers)} acheteurs, {len(suppliers)} fournisseurs, {event.stands.count()} stands"


def _textile(facilitator: User | None, territory: Organisation | None) -> str:
    if Event.objects.filter(title=TEXTILE).exists():
        return "déjà présente"
    day = timezone.localtime() + timedelta(days=45)
    event = services.event_create(
        actor=facilitator,
        title=TEXTILE,
        kind=Event.Kind.SECTOR_MEETING,
        organiser=territory,
        description=(
            "Première rencontre de la filière textile, coorganisée avec la ville d'Ivry-sur-Seine : ressourceries, "
            "entreprises de transformation textile, associations de sensibilisation aux métiers de l'artisanat et "
            "institutions. Objectif : lancer un groupe de travail vers un pôle territorial de coopération "
            "économique (PTCE) pour une mode plus durable."
        ),
        place="Ivry-sur-Seine",
        commune=Commune.objects.filter(pk="94041").first(),
        starts_at=_at(day, 14),
        ends_at=_at(day, 17, 30),
        capacity=60,
    )
    for title, kind, start, end, speakers in [
        (
            "La plateforme « Agir pour la transition » et l'économie de la fonctionnalité",
            "pleniere",
            (14, 0),
            (14, 45),
            "ADEME",
        ),
        (
            "Le Plateau Fertile : coworking, fablab et formation",
            "pleniere",
            (14, 45),
            (15, 30),
            "Fashion Green Hub",
        ),
        (
            "Enjeux de la filière : locaux, financement, mutualisation, formations",
            "table-ronde",
            (15, 45),
            (17, 0),
            "Métropole du Grand Paris, Région, CRESS",
        ),
        ("Lancement du groupe de travail PTCE textile", "atelier", (17, 0), (17, 30), ""),
    ]:
        services.programme_item_add(
            actor=facilitator,
            event=event,
            title=title,
            kind=kind,
            starts_at=_at(day, *start),
            ends_at=_at(day, *end),
            speakers=speakers,
        )
    qtanne, person, _ = _supplier_person("Q-Tanné", "qtanne")
    _register(event, person, qtanne, "fournisseur")
    ivry = User.objects.filter(email="acheteuse@ivry.essaim.demo").first()
    membership = ivry.memberships.select_related("organisation").first() if ivry else None
    if membership is not None:
        _register(event, ivry, membership.organisation, "acheteur")
    return "prête"


def load_demo() -> str:
    facilitator = User.objects.filter(email=FACILITATOR_LOGIN).first()
    territory = Organisation.objects.filter(kind=Organisation.Kind.TERRITORY).order_by("pk").first()
    # Demo emails (confirmations, agendas) are not sent.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        matinale = _matinale(facilitator, territory)
        textile = _textile(facilitator, territory)
    return f"matinale : {matinale} ; rencontre textile : {textile}"

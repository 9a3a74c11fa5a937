"""Demo events from the seed article, on dates relative to today (`essaim demo_setup`). Idempotent.

- **Last year's matinale** (the second edition, `PAST_AGO` ago): stands by the Ressourcerie du spectacle,
  registered buyers and ESS suppliers, meetings held, and what they led to — the collaborations the article
  tells (`COLLABORATIONS`: Rejoué × Vitry-sur-Seine's toys, SMER la Végétale × Limeil-Brévannes' green
  spaces, the Ressourcerie du spectacle's wooden stands and Med Arcades' arcade terminals for the Grand-Orly
  Seine Bièvre's conservatoires), each with the amount of the contract that followed.
- **This year's matinale** (the third edition, `UPCOMING_IN` ahead): stands, registrations, meeting
  requests (accepted ones planned into published agendas, a few still waiting for an answer). Nothing has
  happened yet, so its page shows no outcome.
- **The textile sector meeting** of the month of the ESS (November, about a year ago: `textile_day`, with
  Ivry-sur-Seine), from which the cooperation demo's textile working group was born.

A past event is prepared as participants would have lived it (registrations, requests and the schedule
through the services while it was ahead), then moved to its real dates and its meetings' outcomes recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add, organisation_create
from essaim.core.demo import DEMO_PASSWORD
from essaim.directory.models import Structure
from essaim.territory.models import Commune

from . import services
from .models import Event, Meeting, MeetingRequest, Registration

MATINALE = "Matinale des achats socialement responsables — 3e édition"
PAST_MATINALE = "Matinale des achats socialement responsables — 2e édition"
TEXTILE = "Le textile dans tous ses états"
UPCOMING_IN = timedelta(days=24)  # this year's matinale: a few weeks ahead
PAST_AGO = timedelta(days=364)  # last year's, the same weekday
PARIS = ZoneInfo("Europe/Paris")

# (structure name fragment, stand, pitch, demo login: contact@<login>.essaim.demo, None: the supplier login)
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
    ("SMER la Végétale", "C3", "Végétalisation et jardins partagés à Limeil-Brévannes.", "smer-la-vegetale"),
]
BUYER_EMAILS = ["acheteuse@vitry.essaim.demo", "acheteur@gosb.essaim.demo", "acheteuse@ivry.essaim.demo"]
LIMEIL = ("Ville de Limeil-Brévannes", "94044", "acheteur@limeil.essaim.demo", "Nicolas Petit")
SUPPLIER_LOGIN = "contact@rejoue.essaim.demo"
PARTNER_LOGIN = "contact@cress.essaim.demo"
FACILITATOR_LOGIN = "animatrice@essaim.demo"


@dataclass(frozen=True)
class Outcome:
    buyer: str  # the buyer's login
    supplier: str  # a fragment of the supplier's name
    collaboration: bool
    notes: str
    amount: Decimal | None = None


# What last year's meetings led to: the article's collaborations (with the contract that followed), and two
# meetings still to be followed up.
COLLABORATIONS = [
    Outcome(
        "acheteuse@vitry.essaim.demo",
        "Rejoué",
        True,
        "Jouets de réemploi pour les fêtes de fin d'année des centres de loisirs : bon de commande signé "
        "après la matinale.",
        Decimal("18000"),
    ),
    Outcome(
        "acheteur@limeil.essaim.demo",
        "SMER la Végétale",
        True,
        "Végétalisation des cours d'école et jardins partagés : marché passé avec Études et Chantiers et "
        "Confluences (EA Jardins de la Sellerie).",
        Decimal("62000"),
    ),
    Outcome(
        "acheteur@gosb.essaim.demo",
        "Ressourcerie du spectacle",
        True,
        "Pôle équipements culturels : stands en bois réutilisables pour le séminaire des conservatoires, et "
        "une visite de la ressourcerie pour une dizaine d'agents.",
        Decimal("4800"),
    ),
    Outcome(
        "acheteur@gosb.essaim.demo",
        "Med Arcade",
        True,
        "Pôle équipements culturels : bornes d'arcade de réemploi installées au séminaire des conservatoires.",
        Decimal("2400"),
    ),
    Outcome(
        "acheteuse@ivry.essaim.demo",
        "Café Bulbe",
        False,
        "Devis demandé pour le food truck de la fête de quartier.",
    ),
    Outcome(
        "acheteuse@vitry.essaim.demo",
        "Imparfaites",
        False,
        "Coffrets anti-gaspi pour les cadeaux de fin d'année : à revoir au printemps.",
    ),
]


def textile_day(today: date) -> date:
    """The textile meeting's day: mid-November (the month of the ESS) between 9 and 21 months ago, so that
    the working group it started has a year of work behind it."""
    day = date(today.year - 1, 11, 16)
    return day if (today - day).days >= 270 else date(today.year - 2, 11, 16)


def matinale_day(day: date) -> date:
    """The first working day from `day` on that a matinale can take: Monday to Friday, outside the
    end-of-year holidays (20 December – 3 January), so that the demo never holds it on New Year's Eve."""
    while day.weekday() >= 5 or (day.month, day.day) >= (12, 20) or (day.month, day.day) <= (1, 3):
        day += timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _structure(fragment: str) -> Any:
    return Structure.objects.filter(name__icontains=fragment).select_related("organisation").first()


def _person(email: str, full_name: str, organisation: Organisation) -> User:
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    if not Membership.objects.filter(user=person, organisation=organisation).exists():
        membership_add(actor=None, organisation=organisation, user=person, role=Membership.Role.ADMIN)
    return person


def _supplier_person(fragment: str, login: str | None) -> tuple[Organisation, User | None, Any]:
    """The exhibitor's organisation (from the directory when present), and a demo person in it."""
    structure = _structure(fragment)
    organisation = structure.organisation if structure and structure.organisation else None
    if organisation is None:
        organisation = Organisation.objects.filter(
            name__icontains=fragment, kind=Organisation.Kind.SUPPLIER
        ).first()
    if organisation is None:
        organisation = organisation_create(actor=None, kind=Organisation.Kind.SUPPLIER, name=fragment)
    if login is None:
        person = User.objects.filter(email=SUPPLIER_LOGIN).first()
        if person is None:
            return organisation, None, structure
        return organisation, _person(SUPPLIER_LOGIN, person.full_name, organisation), structure
    return (
        organisation,
        _person(f"contact@{login}.essaim.demo", f"Contact {fragment}", organisation),
        structure,
    )


def _limeil() -> None:
    """Limeil-Brévannes, the buyer of SMER la Végétale's green spaces, with a demo buyer."""
    name, code, email, full_name = LIMEIL
    organisation = Organisation.objects.filter(kind=Organisation.Kind.BUYER, name=name).first()
    if organisation is None:
        commune = Commune.objects.filter(pk=code).first()
        organisation = organisation_create(
            actor=None,
            kind=Organisation.Kind.BUYER,
            name=name,
            siren=commune.siren if commune is not None else "",  # the commune's own SIREN, when loaded
            buyer_category=Organisation.BuyerCategory.COMMUNE,
            commune_id=commune.pk if commune is not None else None,
        )
    _person(email, full_name, organisation)


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


def _buyer_registrations(event: Event, emails: list[str], seek: str) -> dict[str, Registration]:
    buyers = {}
    for email in emails:
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
                seek=seek,
                available_slots=list(range(event.slot_count)),
            )
            buyers[email] = registration
    return buyers


def _stands_and_suppliers(event: Event, facilitator: User | None) -> dict[str, Registration]:
    suppliers = {}
    for fragment, location, pitch, login in EXHIBITORS:
        organisation, person, structure = _supplier_person(fragment, login)
        services.stand_create(
            actor=facilitator,
            event=event,
            name=structure.name if structure else fragment,
            organisation=organisation,
            structure=structure,
            location=location,
            pitch=pitch,
            sectors=structure.top_sectors if structure is not None else [],
        )
        registration = _register(event, person, organisation, "fournisseur")
        if registration is not None:
            services.meeting_profile_update(
                actor=person,
                registration=registration,
                offer=pitch,
                seek="",
                available_slots=list(range(event.slot_count)),
            )
            suppliers[fragment] = registration
    return suppliers


def _request(requester: Registration, recipient: Registration, *, accept: bool | None, priority: int) -> None:
    request = services.meeting_request_create(
        actor=requester.user, requester=requester, recipient=recipient, priority=priority
    )
    if accept is not None:
        services.meeting_request_decide(actor=recipient.user, request=request, accept=accept)


def _matinale_event(
    facilitator: User | None, territory: Organisation | None, title: str, description: str
) -> Event:
    """The event while it is ahead (registration open), its meetings set up; moved later if it is past."""
    day = timezone.localdate() + timedelta(days=2)
    event = services.event_create(
        actor=facilitator,
        title=title,
        kind=Event.Kind.MATINALE,
        organiser=territory,
        description=description,
        place="Grand-Orly Seine Bièvre, salle des fêtes",
        commune=Commune.objects.filter(pk="94081").first(),
        starts_at=_at(day, 9),
        ends_at=_at(day, 12, 30),
        capacity=90,
        capacity_buyer=40,
        offers_meetings=True,
    )
    return services.meeting_setup_update(
        actor=facilitator,
        event=event,
        meetings_start_at=_at(day, 10, 30),
        slot_minutes=15,
        slot_count=6,
        breaks=[3],
        break_minutes=15,
        tables=4,
    )


def _move(event: Event, facilitator: User | None, day: date) -> Event:
    """Move the event (and its meetings: same slots and tables, so none is lost) to `day`."""
    event = services.event_update(
        actor=facilitator, event=event, starts_at=_at(day, 9), ends_at=_at(day, 12, 30)
    )
    return services.meeting_setup_update(
        actor=facilitator,
        event=event,
        meetings_start_at=_at(day, 10, 30),
        slot_minutes=event.slot_minutes,
        slot_count=event.slot_count,
        breaks=list(event.breaks),
        break_minutes=event.break_minutes,
        tables=event.tables,
    )


def _programme(event: Event, facilitator: User | None, day: date, items: list[tuple[Any, ...]]) -> None:
    for title, kind, start, end, speakers in items:
        services.programme_item_add(
            actor=facilitator,
            event=event,
            title=title,
            kind=kind,
            starts_at=_at(day, *start),
            ends_at=_at(day, *end),
            speakers=speakers,
        )


PARTNERS_TALK = (
    "Métropole du Grand Paris, Réseau IAE, Act'Essonne, Les Canaux, CRESS, PLIE Avenir Initiatives"
)


def _past_matinale(facilitator: User | None, territory: Organisation | None) -> str:
    if Event.objects.filter(title=PAST_MATINALE).exists():
        return "déjà présente"
    _limeil()
    event = _matinale_event(
        facilitator,
        territory,
        PAST_MATINALE,
        "Seconde édition de la matinale : des solutions pour une commande publique plus responsable. Plus de "
        "80 participants — acheteurs publics et services opérationnels de l'Établissement Public Territorial "
        "et des villes, acteurs de l'ESS — autour de retours d'expérience, de l'offre d'accompagnement des "
        "partenaires, puis d'échanges et de rendez-vous autour des stands conçus par la Ressourcerie du "
        "spectacle.",
    )
    suppliers = _stands_and_suppliers(event, facilitator)
    buyers = _buyer_registrations(
        event,
        [*BUYER_EMAILS, LIMEIL[2]],
        "Fournisseurs de l'ESS pour l'événementiel, les jouets, la restauration et les espaces verts.",
    )
    for outcome in COLLABORATIONS:
        buyer, supplier = buyers.get(outcome.buyer), suppliers.get(outcome.supplier)
        if buyer is not None and supplier is not None:
            _request(buyer, supplier, accept=True, priority=3)
    services.schedule_run(actor=facilitator, event=event, time_limit=5)
    services.agendas_publish(actor=facilitator, event=event)
    day = matinale_day(timezone.localdate() - PAST_AGO)
    event = _move(event, facilitator, day)
    _programme(
        event,
        facilitator,
        day,
        [
            ("Accueil et ouverture", "pleniere", (9, 0), (9, 20), "Grand-Orly Seine Bièvre"),
            (
                "Retours d'expérience : jouets recyclés à Vitry-sur-Seine, espaces verts à Limeil-Brévannes",
                "table-ronde",
                (9, 20),
                (10, 0),
                "Rejoué, Ville de Vitry-sur-Seine, Études et Chantiers, Confluences (SMER la Végétale)",
            ),
            (
                "L'offre d'accompagnement aux achats responsables",
                "table-ronde",
                (10, 0),
                (10, 30),
                PARTNERS_TALK,
            ),
            ("Rendez-vous acheteurs–fournisseurs et stands", "rendez-vous", (10, 30), (12, 15), ""),
        ],
    )
    recorded = 0
    for outcome in COLLABORATIONS:
        buyer, supplier = buyers.get(outcome.buyer), suppliers.get(outcome.supplier)
        meeting = (
            Meeting.objects.filter(event=event, a__in=[buyer, supplier], b__in=[buyer, supplier]).first()
            if buyer is not None and supplier is not None
            else None
        )
        if meeting is None:
            continue
        services.meeting_outcome_set(
            actor=buyer.user if buyer else facilitator,
            meeting=meeting,
            outcome=Meeting.Outcome.COLLABORATION if outcome.collaboration else Meeting.Outcome.FOLLOW_UP,
            notes=outcome.notes,
            amount=outcome.amount,
        )
        recorded += 1
    return f"{Meeting.objects.filter(event=event).count()} rendez-vous tenus, {recorded} suites enregistrées"


def _matinale(facilitator: User | None, territory: Organisation | None) -> str:
    if Event.objects.filter(title=MATINALE).exists():
        return "déjà présente"
    event = _matinale_event(
        facilitator,
        territory,
        MATINALE,
        "Troisième édition de la matinale : des solutions pour une commande publique plus responsable. Un an "
        "après la deuxième édition, acheteurs publics, services opérationnels et acteurs de l'ESS se "
        "retrouvent pour les collaborations qu'elle a fait naître, l'offre d'accompagnement des partenaires, "
        "des stands conçus par la Ressourcerie du spectacle et des rendez-vous d'affaires planifiés.",
    )
    suppliers = list(_stands_and_suppliers(event, facilitator).values())
    partner = User.objects.filter(email=PARTNER_LOGIN).first()
    if partner is not None:
        membership = partner.memberships.select_related("organisation").first()
        if membership is not None:
            _register(event, partner, membership.organisation, "partenaire")
    buyers = list(
        _buyer_registrations(
            event,
            BUYER_EMAILS,
            "Fournisseurs de l'ESS pour l'événementiel, la restauration et les espaces verts.",
        ).values()
    )
    # Accepted requests: each buyer asks three suppliers; some suppliers ask back (mutual requests).
    for index, buyer in enumerate(buyers):
        for offset in range(3):
            if not suppliers:
                break
            supplier = suppliers[(index * 2 + offset) % len(suppliers)]
            _request(buyer, supplier, accept=True, priority=3 - offset)
            if offset == 0:
                _request(supplier, buyer, accept=True, priority=2)
    # Requests still waiting for an answer (the supplier and a buyer have one to answer on their home page).
    rejoue = next((s for s in suppliers if s.user.email == SUPPLIER_LOGIN), None)
    ivry = next((b for b in buyers if b.user.email == "acheteuse@ivry.essaim.demo"), None)
    vitry = next((b for b in buyers if b.user.email == "acheteuse@vitry.essaim.demo"), None)
    if rejoue is not None and ivry is not None and not _requested(ivry, rejoue):
        _request(ivry, rejoue, accept=None, priority=2)
    if vitry is not None:
        for supplier in suppliers:
            if not _requested(supplier, vitry) and not _requested(vitry, supplier):
                _request(supplier, vitry, accept=None, priority=1)
                break
    if MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED).exists():
        services.schedule_run(actor=facilitator, event=event, time_limit=5)
        services.agendas_publish(actor=facilitator, event=event)
    day = matinale_day(timezone.localdate() + UPCOMING_IN)
    event = _move(event, facilitator, day)
    _programme(
        event,
        facilitator,
        day,
        [
            ("Accueil et ouverture", "pleniere", (9, 0), (9, 20), "Grand-Orly Seine Bièvre"),
            (
                "Un an après : bornes d'arcade et stands en bois au séminaire des conservatoires, jouets de "
                "réemploi, espaces verts",
                "table-ronde",
                (9, 20),
                (10, 0),
                "Grand-Orly Seine Bièvre (pôle équipements culturels), Med Arcades, Ressourcerie du spectacle, "
                "Rejoué, Ville de Vitry-sur-Seine, SMER la Végétale, Ville de Limeil-Brévannes",
            ),
            (
                "L'offre d'accompagnement aux achats responsables",
                "table-ronde",
                (10, 0),
                (10, 30),
                PARTNERS_TALK,
            ),
            ("Rendez-vous acheteurs–fournisseurs et stands", "rendez-vous", (10, 30), (12, 15), ""),
        ],
    )
    return f"{len(buyers)} acheteurs, {len(suppliers)} fournisseurs, {event.stands.count()} stands"


def _requested(requester: Registration, recipient: Registration) -> bool:
    return MeetingRequest.objects.filter(requester=requester, recipient=recipient).exists()


def _textile(facilitator: User | None, territory: Organisation | None) -> str:
    if Event.objects.filter(title=TEXTILE).exists():
        return "déjà présente"
    ahead = timezone.localdate() + timedelta(days=2)
    event = services.event_create(
        actor=facilitator,
        title=TEXTILE,
        kind=Event.Kind.SECTOR_MEETING,
        organiser=territory,
        description=(
            "Première rencontre de la filière textile, coorganisée avec la ville d'Ivry-sur-Seine pendant le "
            "mois de l'ESS : ressourceries, entreprises de transformation textile, associations de "
            "sensibilisation aux métiers de l'artisanat et institutions (Métropole du Grand Paris, Région, "
            "CRESS, ADEME). Elle s'est conclue sur la création d'un groupe de travail vers un pôle territorial "
            "de coopération économique (PTCE) pour une mode plus durable."
        ),
        place="Ivry-sur-Seine",
        commune=Commune.objects.filter(pk="94041").first(),
        starts_at=_at(ahead, 14),
        ends_at=_at(ahead, 17, 30),
        capacity=60,
    )
    for fragment, login in (("Q-Tanné", "qtanne"), ("Ressourcerie du spectacle", "ressourcerie")):
        organisation, person, _ = _supplier_person(fragment, login)
        _register(event, person, organisation, "fournisseur")
    ivry = User.objects.filter(email="acheteuse@ivry.essaim.demo").first()
    membership = ivry.memberships.select_related("organisation").first() if ivry else None
    if membership is not None:
        _register(event, ivry, membership.organisation, "acheteur")
    day = textile_day(timezone.localdate())
    event = services.event_update(
        actor=facilitator, event=event, starts_at=_at(day, 14), ends_at=_at(day, 17, 30)
    )
    _programme(
        event,
        facilitator,
        day,
        [
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
        ],
    )
    return "tenue"


def load_demo() -> str:
    facilitator = User.objects.filter(email=FACILITATOR_LOGIN).first()
    territory = Organisation.objects.filter(kind=Organisation.Kind.TERRITORY).order_by("pk").first()
    # Demo emails (confirmations, agendas) are not sent.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        textile = _textile(facilitator, territory)
        past = _past_matinale(facilitator, territory)
        matinale = _matinale(facilitator, territory)
    return (
        f"matinale de l'an dernier : {past} ; matinale à venir : {matinale} ; rencontre textile : {textile}"
    )

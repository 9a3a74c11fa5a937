"""Demo data of the sourcing capability: the acceptance scenario's starting point.

Ville de Vitry-sur-Seine has published "Achat de jouets de réemploi pour les crèches" (the best-ranked
structures, Rejoué first, were told — emails are not sent in the demo), a draft need, and two purchase
forecasts. Idempotent: running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add
from essaim.core.french import counted, plural
from essaim.directory.demo import load_demo_structures
from essaim.directory.models import Sector, Structure

from . import forecasts, notifications, services
from .models import Need, NeedAnswer, PurchaseForecast

BUYER_NAME = "Ville de Vitry-sur-Seine"
BUYER_LOGIN = "acheteuse@vitry.essaim.demo"
SUPPLIER_LOGIN = "contact@rejoue.essaim.demo"
TOYS_TITLE = "Achat de jouets de réemploi pour les crèches"
CLEANING_TITLE = "Entretien des espaces verts des écoles"


def _ensure_directory() -> None:
    if not Structure.objects.filter(source="demo").exists():
        load_demo_structures()


def _rejoue_people() -> None:
    """The demo supplier manages Rejoué's directory profile, so the need's email reaches them."""
    rejoue = Structure.objects.filter(source="demo", source_id="rejoue").first()
    user = User.objects.filter(email=SUPPLIER_LOGIN).first()
    if rejoue is None or user is None or rejoue.organisation is None:
        return
    if not Membership.objects.filter(user=user, organisation=rejoue.organisation).exists():
        membership_add(actor=None, organisation=rejoue.organisation, user=user, role=Membership.Role.ADMIN)


def _need(buyer: Organisation, actor: User | None, title: str, **fields: object) -> tuple[Need, bool]:
    existing = Need.objects.filter(buyer=buyer, title=title).first()
    if existing is not None:
        return existing, False
    data = services.NeedData(title=title, **fields)  # type: ignore[arg-type]
    return services.need_create(actor=actor, buyer=buyer, data=data), True


def load_demo() -> str:
    buyer = Organisation.objects.filter(kind=Organisation.Kind.BUYER, name=BUYER_NAME).first()
    if buyer is None:
        return "acheteur de démonstration absent"
    actor = User.objects.filter(email=BUYER_LOGIN).first()
    _ensure_directory()
    _rejoue_people()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        toys, planned = _load(buyer, actor)
        notifications.notify_batch(toys.pk, 1)  # now, inside the dummy email backend (idempotent)
    told = toys.notifications.count()
    return (
        f"besoin « {TOYS_TITLE} » publié ({counted(told, 'structure')} prévenue{plural(told)}) ; "
        f"{counted(planned, 'prévision')} ajoutée{plural(planned)}"
    )


@transaction.atomic
def _load(buyer: Organisation, actor: User | None) -> tuple[Need, int]:
    today = timezone.localdate()
    toys, created = _need(
        buyer,
        actor,
        TOYS_TITLE,
        description=(
            "La ville équipe ses 12 crèches municipales en jouets d'éveil et jeux de construction. Nous "
            "cherchons des jouets de réemploi, nettoyés et contrôlés (norme EN 71), livrés par lots."
        ),
        deadline=today + timedelta(days=21),
        sectors=list(Sector.objects.filter(slug="jouets")),
        service_types=["fourniture"],
        place_code="94081",
        place_name="Vitry-sur-Seine",
        amount=Decimal("50000"),
        questions="Quel délai de livraison pour un premier lot ?\nComment les jouets sont-ils contrôlés ?",
        how_to_answer="Répondez sur Essaim ; un échange téléphonique suivra avec les structures intéressées.",
    )
    if created or toys.status == Need.Status.DRAFT:
        services.need_publish(actor=actor, need=toys)
    _need(
        buyer,
        actor,
        CLEANING_TITLE,
        kind=Need.Kind.QUOTE,
        description="Tonte, taille des haies et désherbage sans pesticide des cours de 8 écoles élémentaires.",
        deadline=today + timedelta(days=45),
        sectors=list(Sector.objects.filter(slug="espaces-verts")),
        service_types=["prestation"],
        place_code="94081",
        place_name="Vitry-sur-Seine",
        amount_band=Need.AmountBand.B40_90K,
    )
    planned = 0
    for title, quarter, slug, band, procedure in (
        ("Traiteur des cérémonies municipales", 1, "traiteur", "40k-90k", "mapa"),
        ("Collecte et réemploi du mobilier de bureau", 2, "ressourcerie", "lt-40k", "reserve"),
    ):
        sector = Sector.objects.filter(slug=slug).first()
        if sector is None or PurchaseForecast.objects.filter(buyer=buyer, reference=f"demo-{slug}").exists():
            continue
        forecasts.forecast_create(
            actor=actor,
            buyer=buyer,
            data=forecasts.ForecastData(
                title=title,
                year=today.year + 1,
                quarter=quarter,
                sector=sector,
                amount_band=band,
                procedure=procedure,
                place_code="94081",
                reference=f"demo-{slug}",
            ),
        )
        planned += 1
    return toys, planned


# --- the two-way market (issue 16) ----------------------------------------------------------------------------

MARKET_FORECAST_TITLE = "Jouets des centres de loisirs"
MARKET_FORECAST_REFERENCE = "demo-jouets-loisirs"
MARKET_QUESTION = "Les jouets en bois sont-ils acceptés ?"
MARKET_REPLY = "Oui : bois, plastique recyclé ou textile, pourvu qu'ils respectent la norme EN 71."


def load_market_demo() -> str:
    """Vitry's forecast of toys for its leisure centres, marked "intéressé" by Rejoué; on the published toys
    need, a question of Rejoué answered by Vitry (published to every structure told). Idempotent; no email."""
    buyer = Organisation.objects.filter(kind=Organisation.Kind.BUYER, name=BUYER_NAME).first()
    rejoue = (
        Structure.objects.filter(source="demo", source_id="rejoue").select_related("organisation").first()
    )
    toys = Need.objects.filter(title=TOYS_TITLE, buyer=buyer).first()
    sector = Sector.objects.filter(slug="jouets").first()
    if buyer is None or rejoue is None or rejoue.organisation is None or toys is None or sector is None:
        return "acheteur, besoin ou structure de démonstration absents"
    actor = User.objects.filter(email=BUYER_LOGIN).first()
    supplier = User.objects.filter(email=SUPPLIER_LOGIN).first()
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        forecast = PurchaseForecast.objects.filter(buyer=buyer, reference=MARKET_FORECAST_REFERENCE).first()
        if forecast is None:
            forecast = forecasts.forecast_create(
                actor=actor,
                buyer=buyer,
                data=forecasts.ForecastData(
                    title=MARKET_FORECAST_TITLE,
                    year=timezone.localdate().year + 1,
                    quarter=2,
                    sector=sector,
                    amount_band=Need.AmountBand.B40_90K,
                    procedure=PurchaseForecast.Procedure.ADAPTED,
                    place_code="94081",
                    reference=MARKET_FORECAST_REFERENCE,
                ),
            )
        services.forecast_interest_mark(
            actor=supplier,
            forecast=forecast,
            organisation=rejoue.organisation,
            message="Nous équipons déjà deux crèches de Vitry ; un lot de démonstration est possible.",
            capacity="2 000 jouets par an",
        )
        if toys.status == Need.Status.PUBLISHED:
            question = services.answer_record(
                actor=supplier,
                need=toys,
                organisation=rejoue.organisation,
                kind=NeedAnswer.Kind.QUESTION,
                message=MARKET_QUESTION,
            )
            services.question_reply(actor=actor, question=question, reply=MARKET_REPLY)
    return f"prévision « {MARKET_FORECAST_TITLE} » marquée intéressée par Rejoué ; une question publiée avec sa réponse"

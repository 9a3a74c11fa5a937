"""Acceptance (issue 4): a Vitry buyer posts "Achat de jouets de réemploi pour les crèches", sees Rejoué ranked
first with its reasons, Rejoué receives the email, answers "intéressé", the buyer sees the answer, closes the
need as awarded to Rejoué, and a collaboration exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from essaim.directory.models import Sector, Structure
from essaim.sourcing.models import Collaboration, Need, NeedAnswer, NeedNotification
from tests.sourcing.factories import make_forecast

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_directory")]


def test_vitry_buyer_finds_rejoue_tells_it_and_records_the_collaboration(
    client_as,
    world,
    django_capture_on_commit_callbacks,
) -> None:
    rejoue = Structure.objects.get(source="demo", source_id="rejoue")
    Structure.objects.filter(pk=rejoue.pk).update(
        organisation=world.supplier_org
    )  # Rejoué's people manage it
    client = client_as("buyer")
    response = client.post(
        reverse("sourcing:need_create"),
        {
            "kind": "sourcing",
            "title": "Achat de jouets de réemploi pour les crèches",
            "description": "Jouets d'éveil et jeux de construction de réemploi, nettoyés, pour les crèches de la ville.",
            "sectors": [Sector.objects.get(slug="jouets").pk],
            "service_types": ["fourniture"],
            "place_code": "94081",
            "amount": "50000",
            "duration_months": "12",
            "deadline": (timezone.localdate() + timedelta(days=21)).isoformat(),
            "questions": "Quel délai de livraison ?",
            "show_buyer_name": "on",
        },
    )
    need = Need.objects.get(title="Achat de jouets de réemploi pour les crèches")
    assert response.status_code == 302 and need.status == Need.Status.DRAFT

    page = client.get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    first = page.index('class="match"')
    assert "Rejoué" in page[first : first + 400]
    assert "intervient à Vitry-sur-Seine" in page and "secteur : jouets" in page
    assert "Conseil : réserver ce marché ?" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sourcing:need_action", args=[need.pk]), {"action": "submit"})
    need.refresh_from_db()
    assert need.status == Need.Status.PUBLISHED
    emails = [m for m in mail.outbox if "contact@rejoue.fr" in m.to]
    assert len(emails) == 1 and need.title in emails[0].subject
    assert emails[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = NeedNotification.objects.get(need=need, structure=rejoue)
    assert notification.rank == 1 and notification.sent_at is not None

    supplier = client_as("supplier")
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier.post(
            reverse("sourcing:need_answer", args=[need.pk]),
            {
                "kind": "interesse",
                "question_0": "Sous quinze jours",
                "message": "Nous avons 400 jouets en stock.",
            },
        )
    assert response.status_code == 302
    answer = NeedAnswer.objects.get(need=need, organisation=world.supplier_org)
    assert answer.kind == NeedAnswer.Kind.INTERESTED and answer.structure == rejoue

    buyer = client_as("buyer")
    dashboard = buyer.get(reverse("sourcing:need_answers", args=[need.pk])).content.decode()
    assert "Intéressé" in dashboard and "Rejoué" in dashboard
    assert (
        "Sous quinze jours" in buyer.get(reverse("sourcing:answer_detail", args=[answer.pk])).content.decode()
    )

    response = buyer.post(
        reverse("sourcing:need_close", args=[need.pk]),
        {"outcome": "attribue", "supplier": world.supplier_org.pk, "amount": "48000"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.CLOSED and need.outcome == Need.Outcome.AWARDED
    collaboration = Collaboration.objects.get(need=need)
    assert collaboration.buyer == world.buyer_org and collaboration.supplier == world.supplier_org
    assert collaboration.structure == rejoue and collaboration.amount == 48000
    assert collaboration.status == Collaboration.Status.COLLABORATION


def test_forecast_page_advises_on_reservation_citing_the_structures(client_as, world) -> None:

    forecast = make_forecast(world.buyer_org, amount_band="90k-221k")
    page = client_as("supplier").get(reverse("sourcing:forecast_detail", args=[forecast.pk])).content.decode()
    assert "Conseil : réserver ce marché ?" in page and "Rejoué" in page
    assert "L2113-13" in page


def test_need_pages_read_in_a_fixed_number_of_queries(
    client_as,
    world,
    django_assert_max_num_queries,
) -> None:
    from .factories import make_need

    for index in range(6):
        make_need(world.buyer_org, publish=True, title=f"Besoin {index}")
    client = client_as("supplier")
    client.get(reverse("sourcing:need_list"))  # warm the session and the memberships
    with django_assert_max_num_queries(18):  # includes the place choices of the filters (6 queries)
        assert client.get(reverse("sourcing:need_list")).status_code == 200
    need = Need.objects.filter(buyer=world.buyer_org).first()
    buyer = client_as("buyer")
    buyer.get(reverse("sourcing:need_answers", args=[need.pk]))
    with django_assert_max_num_queries(14):
        assert buyer.get(reverse("sourcing:need_answers", args=[need.pk])).status_code == 200


def test_a_need_with_the_40_90k_band_gets_the_insertion_clause_advice(client_as, world) -> None:
    from .factories import make_need

    need = make_need(
        world.buyer_org,
        publish=True,
        title="Nettoyage des vitres des écoles",
        description="Vitres des écoles élémentaires, deux passages par an.",
        sectors=list(Sector.objects.filter(slug="nettoyage-locaux")),
        amount=None,
        amount_band="40k-90k",
        place_code="91027",
        place_name="Athis-Mons",
    )
    page = client_as("buyer").get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "Montant estimé : 0 € HT" not in page
    assert "tranche de 40 000 € à 90 000 € HT" in page
    assert "clause d&#x27;insertion (article L2112-2)" in page  # the clause, alone or beside a reserved lot
    assert "Heures d'insertion à exiger : <strong>54 h</strong>" in page  # 65 000 € × 50 % × 5 % ÷ 30 €
    assert 'name="amount" ' in page and 'name="amount" value' not in page  # left empty: the band is used


def test_a_forecast_band_is_advised_on_its_upper_bound_and_estimated_on_its_middle(client_as, world) -> None:
    from essaim.sourcing import forecasts

    forecast = forecasts.forecast_create(
        actor=None,
        buyer=world.buyer_org,
        data=forecasts.ForecastData(
            title="Traiteur des cérémonies",
            year=timezone.localdate().year + 1,
            quarter=1,
            sector=Sector.objects.get(slug="traiteur"),
            amount_band="40k-90k",
            procedure="mapa",
            place_code="94081",
        ),
    )
    page = client_as("buyer").get(reverse("sourcing:forecast_detail", args=[forecast.pk])).content.decode()
    assert "tranche de 40 000 € à 90 000 € HT" in page and "65 000 € HT" in page
    assert "65 000 € HT sur 12 mois, soit" not in page  # never taken as an exact 65 000 €


def test_a_toys_need_shows_the_structures_that_can_answer_in_words_never_a_composting_association(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    """Issue 12 §5: sectors guessed from "collectés, livrés" (biowaste collection, logistics) are offered for
    confirmation, never used unconfirmed; the list is cut to the structures that can answer, with words."""
    rejoue = Structure.objects.get(source="demo", source_id="rejoue")
    Structure.objects.filter(pk=rejoue.pk).update(organisation=world.supplier_org)
    client = client_as("buyer")
    data = {
        "kind": "sourcing",
        "title": "Jouets de réemploi pour les crèches",
        "description": "Jouets d'éveil collectés et nettoyés, livrés par lots dans les crèches ; compost exclu.",
        "service_types": ["fourniture"],
        "place_code": "94081",
        "amount": "60000",
        "reserved": "L2113-13",
        "duration_months": "12",
        "deadline": (timezone.localdate() + timedelta(days=21)).isoformat(),
    }
    offered = client.post(reverse("sourcing:need_create"), data).content.decode()
    assert "Secteurs proposés d&#x27;après votre texte" in offered and not Need.objects.exists()
    assert "biodéchets" in offered  # the guess that made a composting association "eligible"
    jouets = Sector.objects.get(slug="jouets")
    client.post(
        reverse("sourcing:need_create"), {**data, "sectors_reviewed": "on", "suggested_sectors": [jouets.pk]}
    )
    need = Need.objects.get()
    assert list(need.sectors.all()) == [jouets]

    page = client.get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    matches = page[page.index('id="matches-title"') : page.index('id="advice-title"')]
    assert re.search(
        r"<strong>\d+</strong> structures? correspond(ent)?(, <strong>\d+</strong> très bien)?\.", matches
    )
    assert "Rejoué" in matches and "correspond très bien" in matches
    assert (
        "Compost&#x27;Orly" not in page and "Compost'Orly" not in page
    )  # not even in the reserved-lot advice
    assert "/ 100" not in page and not re.search(r"\d+,\d\d", matches)  # no score with decimals
    assert "profil complet" not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sourcing:need_action", args=[need.pk]), {"action": "submit"})
    email = next(m for m in mail.outbox if "contact@rejoue.fr" in m.to)
    assert "Pourquoi vous" in email.body and "profil complet" not in email.body


def test_the_profile_completeness_is_told_to_the_structure_itself_once(client_as, world) -> None:
    rejoue = Structure.objects.get(source="demo", source_id="rejoue")
    Structure.objects.filter(pk=rejoue.pk).update(organisation=world.supplier_org)
    own = client_as("supplier").get(reverse("directory:profile", args=[rejoue.pk])).content.decode()
    assert own.count("Votre fiche est complète à") == 1 and "son SIRET" in own
    other = client_as("buyer").get(reverse("directory:profile", args=[rejoue.pk])).content.decode()
    assert "complète à" not in other

"""A two-way market (issue 16): suppliers mark a buyer's forecast "intéressé" (and withdraw), the buyer sees
who is interested and turns the forecast into a need in one step; the interested structures are told first
and marked in the matches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.models import Organisation
from essaim.sourcing import notifications, services
from essaim.sourcing.errors import AnswerError, ForecastError, NeedError
from essaim.sourcing.models import ForecastInterest, Need, NeedAnswer, NeedNotification, PurchaseForecast
from tests.accounts.factories import MemberFactory
from tests.territory_support import make_small_territory

from . import factories
from .factories import ensure_sectors, make_need, make_toy_structure

pytestmark = pytest.mark.django_db


def make_forecast(world, **overrides) -> PurchaseForecast:
    make_small_territory()
    return factories.make_forecast(world.buyer_org, **overrides)


def supplier_structure(world):
    return make_toy_structure(organisation=world.supplier_org)


def test_a_supplier_marks_interest_the_buyer_is_told_once(world, django_capture_on_commit_callbacks) -> None:
    forecast = make_forecast(world)
    supplier_structure(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.forecast_interest_mark(
            actor=world.users["supplier"],
            forecast=forecast,
            organisation=world.supplier_org,
            message="Nous livrons déjà deux crèches.",
            capacity="2 000 jouets par an",
        )
    assert interest.structure is not None and interest.capacity == "2 000 jouets par an"
    assert [m.to for m in mail.outbox] == [sorted(["acheteur@exemple.fr", "admin.vitry@exemple.fr"])]
    assert "Rejoué" in mail.outbox[0].subject and "2 000 jouets par an" in mail.outbox[0].body
    again = services.forecast_interest_mark(
        actor=world.users["supplier"],
        forecast=forecast,
        organisation=world.supplier_org,
        message="Nous livrons déjà deux crèches.",
        capacity="2 000 jouets par an",
    )
    assert again.pk == interest.pk and len(mail.outbox) == 1
    services.forecast_interest_mark(
        actor=None, forecast=forecast, organisation=world.supplier_org, capacity="3 000 jouets"
    )
    assert ForecastInterest.objects.get().capacity == "3 000 jouets" and len(mail.outbox) == 1


def test_only_suppliers_mark_interest_and_long_texts_are_refused_by_field(world) -> None:
    forecast = make_forecast(world)
    with pytest.raises(ForecastError):
        services.forecast_interest_mark(actor=None, forecast=forecast, organisation=world.buyer_org)
    with pytest.raises(ForecastError) as caught:
        services.forecast_interest_mark(
            actor=None,
            forecast=forecast,
            organisation=world.supplier_org,
            message="x" * 501,
            capacity="y" * 201,
        )
    assert {field for field, _ in caught.value.errors} == {"message", "capacity"}
    assert not ForecastInterest.objects.exists()


def test_withdrawing_removes_the_interest(world) -> None:
    forecast = make_forecast(world)
    services.forecast_interest_mark(actor=None, forecast=forecast, organisation=world.supplier_org)
    assert services.forecast_interest_withdraw(actor=None, forecast=forecast, organisation=world.supplier_org)
    assert not ForecastInterest.objects.exists()
    assert not services.forecast_interest_withdraw(
        actor=None, forecast=forecast, organisation=world.supplier_org
    )


def test_pages_supplier_marks_buyer_sees_other_buyer_does_not(client_as, world) -> None:
    forecast = make_forecast(world)
    supplier_structure(world)
    url = reverse("sourcing:forecast_detail", args=[forecast.pk])
    client = client_as("supplier")
    page = client.get(url).content.decode()
    assert "Je suis intéressé" in page and "Structures intéressées" not in page
    response = client.post(
        reverse("sourcing:forecast_interest", args=[forecast.pk]),
        {"capacity": "2 000 jouets par an", "message": "Disponibles dès mars."},
    )
    assert response.status_code == 302
    assert "Retirer mon intérêt" in client.get(url).content.decode()
    bad = client.post(reverse("sourcing:forecast_interest", args=[forecast.pk]), {"message": "x" * 600})
    assert bad.status_code == 400 and "500 caractères" in bad.content.decode()
    assert ForecastInterest.objects.get().message == "Disponibles dès mars."  # nothing lost, nothing changed

    buyer_page = client_as("buyer").get(url).content.decode()
    assert "Structures intéressées" in buyer_page and "2 000 jouets par an" in buyer_page
    assert "Disponibles dès mars." in buyer_page
    other = client_as("other_buyer").get(url).content.decode()
    assert "Structures intéressées" not in other and "Disponibles dès mars." not in other
    assert "Transformer en besoin" not in other

    client = client_as("supplier")
    client.post(reverse("sourcing:forecast_interest", args=[forecast.pk]), {"withdraw": "1"})
    assert not ForecastInterest.objects.exists()


def test_forecast_becomes_a_draft_need_once_with_fields_carried_over(client_as, world) -> None:
    forecast = make_forecast(world, procedure="formalisee")
    client = client_as("buyer")
    response = client.post(reverse("sourcing:forecast_to_need", args=[forecast.pk]))
    need = Need.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "sourcing:need_update", args=[need.pk]
    )
    assert need.forecast == forecast and need.status == Need.Status.DRAFT
    assert (need.title, need.place_code, need.place_name, need.amount_band, need.kind) == (
        "Jouets des centres de loisirs",
        "94081",
        "Vitry-sur-Seine (94)",
        "40k-90k",
        Need.Kind.TENDER,
    )
    assert [s.slug for s in need.sectors.all()] == ["jouets"]
    client.post(reverse("sourcing:forecast_to_need", args=[forecast.pk]))
    assert Need.objects.count() == 1  # a second click returns the same need
    assert (
        "Jouets des centres de loisirs"
        in client.get(reverse("sourcing:forecast_detail", args=[forecast.pk])).content.decode()
    )


def test_interested_structures_are_told_first_and_marked_in_the_matches(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    forecast = make_forecast(world)
    # Eleven structures fit better than the interested one would on its own: it is still told first.
    for number in range(11):
        make_toy_structure(f"Ludothèque {number} (jouets de réemploi)")
    far = make_toy_structure("Rejoué", organisation=world.supplier_org, description="Ateliers et réemploi.")
    services.forecast_interest_mark(actor=None, forecast=forecast, organisation=world.supplier_org)
    need = services.need_from_forecast(actor=None, forecast=forecast)
    page = client_as("buyer").get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "intéressée</span>" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.need_publish(actor=None, need=need)
    first = NeedNotification.objects.filter(need=need).order_by("rank").first()
    assert first is not None and first.structure == far and first.batch == 1
    assert first.reasons[0] == notifications.INTERESTED_REASON
    assert NeedNotification.objects.filter(need=need).count() == notifications.BATCH_SIZE + 1
    assert far.email in mail.outbox[0].to


def test_a_forecast_of_another_buyer_cannot_be_turned_into_a_need(client_as, world) -> None:
    forecast = make_forecast(world)
    assert (
        client_as("other_buyer").post(reverse("sourcing:forecast_to_need", args=[forecast.pk])).status_code
        == 403
    )
    assert not Need.objects.exists()
    assert Organisation.objects.filter(kind=Organisation.Kind.BUYER).count() == 2


# --- questions and answers with equal treatment -------------------------------------------------------------


def setup_territory() -> None:
    ensure_sectors()
    make_small_territory()


def ask(world, need, message: str = "Les jouets en bois sont-ils acceptés ?", organisation=None):
    return services.answer_record(
        actor=None,
        need=need,
        organisation=organisation or world.supplier_org,
        kind=NeedAnswer.Kind.QUESTION,
        message=message,
    )


def test_no_question_after_the_questions_deadline(world) -> None:
    setup_territory()
    today = timezone.localdate()
    need = make_need(world.buyer_org, publish=True, questions_deadline=today + timedelta(days=2))
    ask(world, need)
    Need.objects.filter(pk=need.pk).update(questions_deadline=today - timedelta(days=1))  # the date passed
    need.refresh_from_db()
    with pytest.raises(AnswerError) as caught:
        ask(world, need, "Une autre question ?")
    assert caught.value.field == "message" and "jusqu'au" in caught.value.message
    with pytest.raises(NeedError) as refused:
        make_need(world.buyer_org, questions_deadline=today + timedelta(days=40))
    assert refused.value.field == "questions_deadline"


def test_the_answer_reaches_every_structure_told_or_interested_never_naming_the_asker(
    client_as, world, django_capture_on_commit_callbacks
) -> None:
    setup_territory()
    rejoue = make_toy_structure(organisation=world.supplier_org)
    other_org = Organisation.objects.create(kind=Organisation.Kind.SUPPLIER, name="Med Arcades")
    other = make_toy_structure("Med Arcades (ludothèque)", organisation=other_org)
    told_only = make_toy_structure("Ludothèque du Port")
    need = make_need(world.buyer_org, publish=True)
    for rank, structure in enumerate([rejoue, other, told_only], start=1):
        NeedNotification.objects.create(
            need=need,
            structure=structure,
            rank=rank,
            score=1.0,
            email=structure.email,
            sent_at=timezone.now(),
        )
    question = ask(world, need)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_reply(
            actor=world.users["buyer"], question=question, reply="Oui, le bois est accepté."
        )
    addressed = sorted(tuple(m.to) for m in mail.outbox)
    assert addressed == sorted([(rejoue.email,), (other.email,), (told_only.email,)])  # one message each
    for message in mail.outbox:
        assert "Oui, le bois est accepté." in message.body and "Les jouets en bois" in message.body
        assert "Rejoué" not in message.body and "Rejoué" not in message.subject
    # The same reply again sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.question_reply(
            actor=world.users["buyer"], question=question, reply="Oui, le bois est accepté."
        )
    assert len(mail.outbox) == 3

    page = client_as("other_buyer").get(reverse("sourcing:need_detail", args=[need.pk])).content.decode()
    assert "Questions et réponses" in page and "Oui, le bois est accepté." in page
    assert "Rejoué" not in page
    link = notifications.need_link_token(NeedNotification.objects.get(structure=told_only))
    opened = client_as("anonymous").get(reverse("sourcing:need_open", args=[link])).content.decode()
    assert "Oui, le bois est accepté." in opened and "Rejoué" not in opened


def test_interested_suppliers_get_the_answer_too(world, django_capture_on_commit_callbacks) -> None:
    setup_territory()
    make_toy_structure(organisation=world.supplier_org)
    interested_org = Organisation.objects.create(kind=Organisation.Kind.SUPPLIER, name="Med Arcades")
    make_toy_structure("Med Arcades (ludothèque)", organisation=interested_org, email="")
    MemberFactory(organisation=interested_org, admin=True, email="contact@medarcades.fr")
    need = make_need(world.buyer_org, publish=True)
    services.answer_record(
        actor=None,
        need=need,
        organisation=interested_org,
        kind=NeedAnswer.Kind.INTERESTED,
        answers=["Sous 15 jours", "EN 71"],
    )
    question = ask(world, need)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_reply(actor=None, question=question, reply="Livraison groupée en mars.")
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["contact@medarcades.fr", "contact@rejoue.fr"]


def test_buyer_reply_page_french_errors_and_others_refused(client_as, world) -> None:
    setup_territory()
    make_toy_structure(organisation=world.supplier_org)
    need = make_need(world.buyer_org, publish=True)
    question = ask(world, need)
    url = reverse("sourcing:question_reply", args=[question.pk])
    client = client_as("buyer")
    answers_page = client.get(reverse("sourcing:need_answers", args=[need.pk])).content.decode()
    assert url in answers_page
    empty = client.post(url, {"reply": "   "})
    assert empty.status_code == 400 and "Ce champ est obligatoire" in empty.content.decode()
    assert client.post(url, {"reply": "Oui."}).status_code == 302
    question.refresh_from_db()
    assert question.reply == "Oui." and question.replied_by == world.users["buyer"]
    assert client_as("supplier").post(url, {"reply": "Non."}).status_code == 403
    question.refresh_from_db()
    assert question.reply == "Oui."

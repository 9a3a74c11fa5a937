"""Needs: states and transitions (each audited), validation step, bad input, attachments, answers, closing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from essaim.core.audit import history_for
from essaim.sourcing import services
from essaim.sourcing.models import Collaboration, Need, NeedAnswer
from tests.core.factories import pdf_upload
from tests.territory_support import make_small_territory

from .factories import make_need, need_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def territory() -> None:
    make_small_territory()


def actions(need: Need) -> list[str]:
    return list(history_for(need).order_by("pk").values_list("action", flat=True))


def test_draft_is_published_then_closed_and_every_step_is_audited(world) -> None:
    buyer = world.users["buyer"]
    need = make_need(world.buyer_org, actor=buyer)
    assert need.status == Need.Status.DRAFT
    services.need_submit(actor=buyer, need=need)
    assert need.status == Need.Status.PUBLISHED and need.published_at is not None
    services.need_close(actor=buyer, need=need, outcome=Need.Outcome.UNSUCCESSFUL)
    assert need.status == Need.Status.CLOSED
    assert actions(need) == ["need.created", "need.published", "need.closed"]
    entry = history_for(need).filter(action="need.closed").get()
    assert entry.actor == buyer and entry.data["from"] == "publie" and entry.data["outcome"] == "infructueux"


@override_settings(SOURCING_REQUIRE_VALIDATION=True)
def test_with_validation_a_facilitator_publishes_or_sends_back(world) -> None:
    need = make_need(world.buyer_org)
    with pytest.raises(services.NeedError, match="validé"):
        services.need_publish(actor=None, need=need)
    services.need_submit(actor=None, need=need)
    assert need.status == Need.Status.TO_VALIDATE
    with pytest.raises(services.NeedError, match="Expliquez"):
        services.need_reject(actor=world.users["facilitator"], need=need, reason=" ")
    services.need_reject(actor=world.users["facilitator"], need=need, reason="Précisez le lieu.")
    assert need.status == Need.Status.DRAFT
    services.need_submit(actor=None, need=need)
    services.need_validate(actor=world.users["facilitator"], need=need)
    assert need.status == Need.Status.PUBLISHED
    assert actions(need)[1:] == ["need.submitted", "need.rejected", "need.submitted", "need.validated"]


@pytest.mark.parametrize(
    ("start", "call"),
    [
        ("publie", lambda n: services.need_publish(actor=None, need=n)),
        ("publie", lambda n: services.need_validate(actor=None, need=n)),
        ("clos", lambda n: services.need_publish(actor=None, need=n)),
        ("clos", lambda n: services.need_close(actor=None, need=n, outcome="annule")),
        ("brouillon", lambda n: services.need_close(actor=None, need=n, outcome="attribue")),
    ],
)
def test_forbidden_transitions_are_refused_in_french(world, start: str, call) -> None:
    need = make_need(world.buyer_org)
    Need.objects.filter(pk=need.pk).update(status=start)
    need.refresh_from_db()
    with pytest.raises(services.NeedError):
        call(need)
    need.refresh_from_db()
    assert need.status == start


def test_a_draft_can_be_cancelled(world) -> None:
    need = make_need(world.buyer_org)
    services.need_close(actor=None, need=need, outcome=Need.Outcome.CANCELLED)
    assert need.status == Need.Status.CLOSED and need.outcome == Need.Outcome.CANCELLED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"description": ""}, "description"),
        ({"deadline": timezone.localdate() - timedelta(days=1)}, "deadline"),
        ({"start_date": timezone.localdate()}, "start_date"),
        ({"amount": Decimal(-1)}, "amount"),
        ({"service_types": ["livraison"]}, "service_types"),
        ({"reserved": "L9999"}, "reserved"),
        ({"kind": "enchere"}, "kind"),
        ({"duration_months": 0}, "duration_months"),
    ],
)
def test_bad_needs_are_refused_on_the_right_field(world, overrides: dict, field: str) -> None:
    with pytest.raises(services.NeedError) as error:
        services.need_create(actor=None, buyer=world.buyer_org, data=need_data(**overrides))
    assert error.value.field == field
    assert not Need.objects.exists()


def test_only_buyers_write_needs(world) -> None:
    with pytest.raises(services.NeedError, match="acheteur public"):
        services.need_create(actor=None, buyer=world.supplier_org, data=need_data())


def test_attachments_are_checked_by_content_extension_and_size(world) -> None:
    need = services.need_create(
        actor=None, buyer=world.buyer_org, data=need_data(), attachments=[pdf_upload()]
    )
    assert need.attachments.get().kind == "pdf"
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    renamed = SimpleUploadedFile("notes.exe", b"%PDF-1.4 ...", content_type="application/pdf")
    for upload in (fake, renamed):
        with pytest.raises(services.NeedError) as error:
            services.attachment_add(actor=None, need=need, uploaded_file=upload)
        assert error.value.field == "attachments"
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * (services.MAX_ATTACHMENT_SIZE + 1))
    with pytest.raises(services.NeedError, match="10 Mo"):
        services.attachment_add(actor=None, need=need, uploaded_file=big)
    assert need.attachments.count() == 1


def test_update_keeps_the_audit_of_changed_fields_and_refuses_closed_needs(world) -> None:
    need = make_need(world.buyer_org)
    services.need_update(actor=None, need=need, data=need_data(title="Jouets pour les crèches"))
    need.refresh_from_db()
    assert need.title == "Jouets pour les crèches"
    assert history_for(need).filter(action="need.updated").get().data["fields"] == ["title"]
    services.need_close(actor=None, need=need, outcome="annule")
    with pytest.raises(services.NeedError, match="clos"):
        services.need_update(actor=None, need=need, data=need_data())


def test_answers_replace_each_other_and_questions_add_up(world) -> None:
    need = make_need(world.buyer_org, publish=True)
    kwargs = {"actor": None, "need": need, "organisation": world.supplier_org}
    with pytest.raises(services.AnswerError, match="Quelles normes"):
        services.answer_record(**kwargs, kind="interesse", answers=["Sous 15 jours"])
    with pytest.raises(services.AnswerError, match="pourquoi"):
        services.answer_record(**kwargs, kind="pas-interesse")
    services.answer_record(**kwargs, kind="interesse", answers=["Sous 15 jours", "EN 71"])
    services.answer_record(**kwargs, kind="pas-interesse", reason="Stock insuffisant")
    services.answer_record(**kwargs, kind="question", message="Combien de crèches ?")
    services.answer_record(**kwargs, kind="question", message="Livraison groupée ?")
    kinds = sorted(NeedAnswer.objects.filter(need=need).values_list("kind", flat=True))
    assert kinds == ["pas-interesse", "question", "question"]
    with pytest.raises(services.AnswerError, match="structures de l'ESS"):
        services.answer_record(
            actor=None, need=need, organisation=world.other_buyer_org, kind="question", message="?"
        )


def test_closed_needs_take_no_answer(world) -> None:
    need = make_need(world.buyer_org, publish=True)
    services.need_close(actor=None, need=need, outcome="annule")
    with pytest.raises(services.AnswerError, match="plus de réponse"):
        services.answer_record(
            actor=None, need=need, organisation=world.supplier_org, kind="question", message="?"
        )


def test_awarding_records_one_collaboration_and_the_survey_does_not_duplicate_it(world) -> None:
    need = make_need(world.buyer_org, publish=True)
    with pytest.raises(services.NeedError, match="attribué"):
        services.need_close(actor=None, need=need, outcome="infructueux", supplier=world.supplier_org)
    services.need_close(
        actor=None, need=need, outcome="attribue", supplier=world.supplier_org, amount=Decimal(100)
    )
    services.contract_record(actor=None, need=need, supplier=world.supplier_org, amount=Decimal(120))
    collaboration = Collaboration.objects.get(need=need)
    assert collaboration.amount == 120 and collaboration.source == Collaboration.Source.SOURCING


def test_at_most_two_reminders(world) -> None:
    need = make_need(world.buyer_org, publish=True)
    services.need_remind(actor=None, need=need)
    services.need_remind(actor=None, need=need)
    with pytest.raises(services.NeedError, match="2 relances"):
        services.need_remind(actor=None, need=need)

"""Writes of the sourcing capability: answers of suppliers to a need, and reminders."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.home import waiting_changed
from essaim.directory.models import Structure
from essaim.sourcing import tasks
from essaim.sourcing.models import Need, NeedAnswer, NeedNotification

from ..errors import AnswerError, NeedError
from .needs import MAX_REMINDERS, check_attachment


@transaction.atomic
def answer_record(
    *,
    actor: Actor,
    need: Need,
    organisation: Organisation,
    kind: str,
    answers: list[str] | None = None,
    message: str = "",
    reason: str = "",
    attachment: UploadedFile | None = None,
) -> NeedAnswer:
    """A supplier answers a published need; a new interested / not interested answer replaces the former.

    Idempotent: the same answer posted again (a reload, a link clicked twice, a replayed request) returns the
    answer already recorded, and the buyer is not told again."""
    if organisation.kind != Organisation.Kind.SUPPLIER:
        raise AnswerError("Seules les structures de l'ESS répondent aux besoins.")
    if need.status != Need.Status.PUBLISHED:
        raise AnswerError("Ce besoin n'accepte plus de réponse.")
    if kind not in NeedAnswer.Kind.values:
        raise AnswerError("Choisissez votre réponse.", field="kind")
    answers = [a.strip() for a in answers or []]
    if kind == NeedAnswer.Kind.NOT_INTERESTED and not reason.strip():
        raise AnswerError("Dites à l'acheteur pourquoi, en quelques mots.", field="reason")
    if kind == NeedAnswer.Kind.QUESTION and not message.strip():
        raise AnswerError("Écrivez votre question.", field="message")
    if kind == NeedAnswer.Kind.QUESTION and not need.questions_open(timezone.localdate()):
        last_day = need.questions_deadline or need.deadline
        raise AnswerError(
            f"Les questions étaient ouvertes jusqu'au {last_day:%d/%m/%Y} : l'acheteur n'en reçoit plus.",
            field="message",
        )
    if kind == NeedAnswer.Kind.INTERESTED:
        missing = [
            q
            for q, a in zip(need.question_list, answers + [""] * len(need.question_list), strict=False)
            if not a
        ]
        if missing:
            raise AnswerError(f"Répondez à la question : « {missing[0]} ».", field="answers")
    structure = Structure.objects.filter(organisation=organisation).first()
    values: dict[str, Any] = {
        "structure": structure,
        "author": acting_user(actor),
        "kind": kind,
        "answers": [{"question": q, "answer": a} for q, a in zip(need.question_list, answers, strict=False)],
        "message": message.strip(),
        "reason": reason.strip()[:300],
    }
    if attachment is not None:
        name = attachment.name or "document"
        try:
            check_attachment(attachment, name, attachment.size or 0)
        except NeedError as error:
            raise AnswerError(error.message, field="attachment") from error
        values["attachment"] = attachment
        values["attachment_name"] = name[:200]
    if kind == NeedAnswer.Kind.QUESTION:
        same_question = NeedAnswer.objects.filter(
            need=need, organisation=organisation, kind=kind, message=values["message"]
        ).first()
        if same_question is not None:
            return same_question
    existing = (
        NeedAnswer.objects.select_for_update()
        .filter(need=need, organisation=organisation)
        .exclude(kind=NeedAnswer.Kind.QUESTION)
        .first()
        if kind != NeedAnswer.Kind.QUESTION
        else None
    )
    if existing is not None and attachment is None and _same_answer(existing, values):
        return existing
    action = f"need.answer.{kind}"
    if existing is None:
        try:
            with transaction.atomic():
                answer = NeedAnswer.objects.create(need=need, organisation=organisation, **values)
        except IntegrityError as error:  # a concurrent answer of the same supplier
            raise AnswerError("Votre réponse a déjà été enregistrée.") from error
        log_action(
            actor=actor, action=action, target=answer, organisation_id=organisation.pk, data={"need": need.pk}
        )
    else:
        answer = existing
        save_changes(
            answer,
            values,
            actor=actor,
            action=action,
            organisation_id=organisation.pk,
            data={"need": need.pk},
        )
    if structure is not None:
        NeedNotification.objects.filter(need=need, structure=structure, viewed_at__isnull=True).update(
            viewed_at=timezone.now()
        )
    waiting_changed(organisations=[need.buyer_id, organisation.pk])
    answer_id = answer.pk
    transaction.on_commit(lambda: tasks.tell_buyer_of_answer.enqueue(answer_id))
    return answer


def _same_answer(answer: NeedAnswer, values: dict[str, Any]) -> bool:
    compared = ("kind", "answers", "message", "reason")
    return all(getattr(answer, name) == values[name] for name in compared)


@transaction.atomic
def need_remind(*, actor: Actor, need: Need) -> int:
    """Remind the structures told about the need that have not answered; at most two reminders per need."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != Need.Status.PUBLISHED:
        raise NeedError("Seul un besoin publié peut faire l'objet d'une relance.")
    if need.reminders_sent >= MAX_REMINDERS:
        raise NeedError(f"Vous avez déjà envoyé {MAX_REMINDERS} relances pour ce besoin.")
    answered = set(need.answers.exclude(kind=NeedAnswer.Kind.QUESTION).values_list("structure_id", flat=True))
    pending = list(
        need.notifications.filter(sent_at__isnull=False)
        .exclude(structure_id__in=[pk for pk in answered if pk])
        .values_list("pk", flat=True)
    )
    need.reminders_sent += 1
    need.save(update_fields=["reminders_sent", "updated_at"])
    log_action(
        actor=actor,
        action="need.reminded",
        target=need,
        organisation_id=need.buyer_id,
        data={"reminder": need.reminders_sent, "structures": len(pending)},
    )
    for notification_id in pending:
        transaction.on_commit(lambda pk=notification_id: tasks.send_reminder.enqueue(pk))  # type: ignore[misc]
    return len(pending)


MAX_REPLY = 5000


@transaction.atomic
def question_reply(*, actor: Actor, question: NeedAnswer, reply: str) -> NeedAnswer:
    """The buyer answers a supplier's question: the answer is published on the need's page and emailed to
    every structure told about the need or interested in it (the asker among them, never named). The same
    reply again changes nothing; a changed reply is published and sent again."""
    question = NeedAnswer.objects.select_for_update().select_related("need").get(pk=question.pk)
    if question.kind != NeedAnswer.Kind.QUESTION:
        raise AnswerError("Seule une question reçoit une réponse publiée.")
    if question.need.status not in (Need.Status.PUBLISHED, Need.Status.CLOSED):
        raise AnswerError("Ce besoin n'est pas publié.")
    text = reply.strip()
    if not text:
        raise AnswerError("Écrivez votre réponse.", field="reply")
    if len(text) > MAX_REPLY:
        raise AnswerError(f"La réponse tient en {MAX_REPLY} caractères au plus.", field="reply")
    if text == question.reply:
        return question
    save_changes(
        question,
        {"reply": text, "replied_at": timezone.now(), "replied_by": acting_user(actor)},
        actor=actor,
        action="need.question_answered",
        organisation_id=question.need.buyer_id,
        data={"need": question.need_id},
    )
    question_id = question.pk
    transaction.on_commit(lambda: tasks.publish_question_reply.enqueue(question_id))
    return question

"""What the sourcing capability puts on a person's home page (`essaim.core.home`): for a supplier, the open
needs its structure was told about and has not answered; for a buyer, the answers and questions received on
its open needs, its drafts to publish and the needs past their deadline to close; for the facilitators, the
needs waiting for their validation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essaim.core.home import BUYER, FACILITATOR, ITEMS_PER_PROVIDER, SUPPLIER, Viewer, WaitingItem

from .models import Need, NeedAnswer, NeedNotification

SECTION = "sourcing:need_list"


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    if viewer.role == SUPPLIER:
        return _needs_to_answer(viewer)
    if viewer.role == BUYER:
        return _answers_received(viewer) + _needs_to_act_on(viewer)
    if viewer.role == FACILITATOR:
        return _needs_to_validate()
    return []


def _needs_to_answer(viewer: Viewer) -> list[WaitingItem]:
    answered = NeedAnswer.objects.filter(need=OuterRef("need"), organisation=viewer.organisation).exclude(
        kind=NeedAnswer.Kind.QUESTION
    )
    told = (
        NeedNotification.objects.filter(
            structure__organisation=viewer.organisation,
            need__status=Need.Status.PUBLISHED,
            need__deadline__gte=timezone.localdate(),
        )
        .exclude(Exists(answered))
        .select_related("need", "need__buyer")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Besoin qui vous concerne",
            title=notification.need.title,
            detail=(
                f"{notification.need.buyer_label} — {notification.need.get_kind_display()} — "
                f"réponse attendue au plus tard le {_day(notification.need.deadline)}"
            ),
            action="Répondre",
            url=reverse("sourcing:need_answer", args=[notification.need_id]),
            since=notification.created_at,
            section=SECTION,
        )
        for notification in told
    ]


def _answers_received(viewer: Viewer) -> list[WaitingItem]:
    answers = (
        NeedAnswer.objects.filter(
            need__buyer=viewer.organisation,
            need__status=Need.Status.PUBLISHED,
            need__deadline__gte=timezone.localdate(),
            kind__in=[NeedAnswer.Kind.INTERESTED, NeedAnswer.Kind.QUESTION],
        )
        .select_related("need", "organisation")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Question reçue" if answer.kind == NeedAnswer.Kind.QUESTION else "Réponse reçue",
            title=(
                f"{answer.organisation.name} pose une question sur « {answer.need.title} »"
                if answer.kind == NeedAnswer.Kind.QUESTION
                else f"{answer.organisation.name} est intéressé par « {answer.need.title} »"
            ),
            detail=answer.message[:200],
            action="Lire la question" if answer.kind == NeedAnswer.Kind.QUESTION else "Lire la réponse",
            url=reverse("sourcing:answer_detail", args=[answer.pk]),
            since=answer.created_at,
            section=SECTION,
        )
        for answer in answers
    ]


def _needs_to_act_on(viewer: Viewer) -> list[WaitingItem]:
    today = timezone.localdate()
    needs = Need.objects.filter(buyer=viewer.organisation).filter(
        Q(status=Need.Status.DRAFT) | Q(status=Need.Status.PUBLISHED, deadline__lt=today)
    )
    items = []
    for need in needs.order_by("-updated_at", "-id")[:ITEMS_PER_PROVIDER]:
        if need.status == Need.Status.DRAFT:
            items.append(
                WaitingItem(
                    kind="Besoin en brouillon",
                    title=need.title,
                    detail="Publiez-le pour que les structures qui peuvent y répondre soient prévenues.",
                    action="Relire et publier",
                    url=reverse("sourcing:need_detail", args=[need.pk]),
                    since=need.updated_at,
                    section=SECTION,
                )
            )
        else:
            items.append(
                WaitingItem(
                    kind="Besoin à clore",
                    title=need.title,
                    detail=f"La date limite de réponse est passée ({_day(need.deadline)}) : dites ce qu'il est devenu.",
                    action="Clore le besoin",
                    url=reverse("sourcing:need_close", args=[need.pk]),
                    since=_day_after(need.deadline),
                    section=SECTION,
                )
            )
    return items


def _needs_to_validate() -> list[WaitingItem]:
    needs = (
        Need.objects.filter(status=Need.Status.TO_VALIDATE)
        .select_related("buyer")
        .order_by("-updated_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Besoin à valider",
            title=need.title,
            detail=f"{need.buyer.name} — {need.get_kind_display()}",
            action="Relire et valider",
            url=reverse("sourcing:need_detail", args=[need.pk]),
            since=need.updated_at,
            section=SECTION,
        )
        for need in needs
    ]


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def _day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))

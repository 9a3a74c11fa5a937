"""The needs awaiting the facilitators' validation, as a kind of the review queue (`essaim.core.review`),
registered from `SourcingConfig.ready()`. Validating publishes the need (and tells the suppliers);
rejecting sends it back to the buyer as a draft with the reason, which is required."""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format

from essaim.accounts.acting import Actor
from essaim.core.errors import NotFoundError
from essaim.core.review import Comparison, ReviewDetail, ReviewItem, ReviewKind

from .models import Need
from .selectors import needs_to_validate
from .services import need_reject, need_validate


def _item(need: Need) -> ReviewItem:
    return ReviewItem(
        pk=need.pk,
        title=need.title,
        summary=need.get_kind_display(),
        submitted_at=need.updated_at,
        submitted_by=need.buyer.name,
    )


class NeedReview(ReviewKind):
    slug = "besoins"
    label = "Besoins à valider"
    description = (
        "Des acheteurs soumettent des besoins à la validation de l'équipe du territoire. Valider publie le "
        "besoin et prévient les structures qui y correspondent ; renvoyer le remet en brouillon, avec le "
        "motif (obligatoire) envoyé à l'acheteur."
    )
    rule = "sourcing.validate_need"
    approve_label = "Valider et publier"
    reject_label = "Renvoyer à l'acheteur"
    on_home = False  # sourcing's own home provider lists them, under its section's badge

    def count(self) -> int:
        return Need.objects.filter(status=Need.Status.TO_VALIDATE).count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        return [_item(need) for need in needs_to_validate().select_related("buyer")[offset : offset + limit]]

    def detail(self, pk: int) -> ReviewDetail | None:
        need = needs_to_validate().select_related("buyer").filter(pk=pk).first()
        if need is None:
            return None
        rows = [
            Comparison("Acheteur", need.buyer.name),
            Comparison("Type", need.get_kind_display()),
            Comparison("Titre", need.title),
            Comparison("Description", need.description),
            Comparison("Réponses attendues avant le", date_format(need.deadline, "j F Y")),
        ]
        return ReviewDetail(
            item=_item(need),
            rows=rows,
            proposed_heading="Besoin soumis",
            current_heading="—",
            links=[("Relire le besoin en entier", reverse("sourcing:need_detail", args=[need.pk]))],
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        need = needs_to_validate().filter(pk=pk).first()
        if need is None:
            raise NotFoundError()
        need_validate(actor=actor, need=need)
        return f"« {need.title} » publié"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        need = needs_to_validate().filter(pk=pk).first()
        if need is None:
            raise NotFoundError()
        need_reject(actor=actor, need=need, reason=reason)
        return f"« {need.title} » renvoyé à l'acheteur"

"""Join requests in the facilitators' review queue (`essaim.core.review`): proposals of organisations, and
requests to join an organisation that has no administrator (the others are decided by its administrators)."""

from __future__ import annotations

from django.urls import reverse

from essaim.accounts.acting import Actor
from essaim.accounts.email_domains import email_domain, website_host
from essaim.accounts.models import Organisation
from essaim.core.errors import NotFoundError
from essaim.core.french import lowercase_start
from essaim.core.review import Comparison, ReviewDetail, ReviewItem, ReviewKind

from . import services
from .models import JoinRequest
from .selectors import join_requests_for_facilitators


def _item(request: JoinRequest) -> ReviewItem:
    if request.is_proposal:
        summary = f"Nouvelle organisation proposée ({lowercase_start(request.get_proposed_kind_display())})"
    else:
        summary = "Rejoindre l'organisation"
    return ReviewItem(
        pk=request.pk,
        title=request.organisation_name,
        summary=summary,
        submitted_at=request.created_at,
        submitted_by=request.requester_label,
    )


def _similar(request: JoinRequest) -> Organisation | None:
    if request.proposed_siret:
        same = Organisation.objects.filter(siren=request.proposed_siret[:9]).first()
        if same is not None:
            return same
    return Organisation.objects.filter(name__iexact=request.proposed_name).first()


class JoinRequestReview(ReviewKind):
    slug = "adhesions"
    label = "Demandes d'adhésion"
    description = (
        "Des personnes demandent à rejoindre un acheteur ou un partenaire sans administrateur, ou proposent "
        "une organisation absente. Accepter les y ajoute (et crée l'organisation proposée)."
    )

    def count(self) -> int:
        return join_requests_for_facilitators().count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        return [_item(r) for r in join_requests_for_facilitators()[offset : offset + limit]]

    def detail(self, pk: int) -> ReviewDetail | None:
        request = join_requests_for_facilitators().filter(pk=pk).first()
        if request is None:
            return None
        user = request.user
        if request.is_proposal:
            similar = _similar(request)
            notes = [
                "Organisation absente d'Essaim : accepter la crée, avec la personne pour administrateur."
            ]
            links = []
            if similar is not None:
                notes.append(
                    "Une organisation inscrite lui ressemble : vérifiez qu'il ne s'agit pas d'un doublon."
                )
                links.append(
                    (f"Voir « {similar.name} »", reverse("accounts:organisation_detail", args=[similar.pk]))
                )
            rows = [
                Comparison("Nom", request.proposed_name, similar.name if similar else ""),
                Comparison(
                    "Type", request.get_proposed_kind_display(), similar.get_kind_display() if similar else ""
                ),
                Comparison("SIRET", request.proposed_siret, similar.siret if similar else ""),
                Comparison("Site web", request.proposed_website, similar.website if similar else ""),
                Comparison("Demandeur", request.requester_label),
                Comparison(
                    "Domaine de l'adresse / du site",
                    email_domain(user.email),
                    website_host(request.proposed_website),
                ),
                Comparison("Message", request.message),
            ]
            return ReviewDetail(
                item=_item(request),
                rows=rows,
                proposed_heading="Organisation proposée",
                current_heading="Organisation semblable déjà inscrite",
                notes=notes,
                links=links,
            )
        organisation = request.organisation
        if organisation is None:  # not a proposal: always set
            return None
        rows = [
            Comparison("Nom", user.full_name),
            Comparison("Adresse électronique", user.email),
            Comparison(
                "Domaine de l'adresse / du site", email_domain(user.email), website_host(organisation.website)
            ),
            Comparison("Message", request.message),
        ]
        return ReviewDetail(
            item=_item(request),
            rows=rows,
            proposed_heading="Demandeur",
            current_heading=f"{organisation.name}",
            notes=[
                "Cette organisation n'a pas d'administrateur : la personne en deviendra l'administratrice."
            ],
            links=[("Voir l'organisation", reverse("accounts:organisation_detail", args=[organisation.pk]))],
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        request = join_requests_for_facilitators().filter(pk=pk).first()
        if request is None:
            raise NotFoundError()
        membership = services.join_request_approve(actor=actor, request=request)
        return f"{request.user} a rejoint « {membership.organisation.name} »"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        request = join_requests_for_facilitators().filter(pk=pk).first()
        if request is None:
            raise NotFoundError()
        services.join_request_reject(actor=actor, request=request, reason=reason)
        return f"demande de {request.user} pour « {request.organisation_name} » refusée"

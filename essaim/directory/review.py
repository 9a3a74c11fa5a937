"""The directory's kinds of item in the facilitators' review queue (`essaim.core.review`), registered from
`DirectoryConfig.ready()`: requests to manage a structure's profile, and the structures proposed with them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from essaim.accounts.acting import Actor
from essaim.accounts.email_domains import email_domain, website_host
from essaim.accounts.models import Membership
from essaim.core.errors import NotFoundError
from essaim.core.review import Comparison, ReviewDetail, ReviewItem, ReviewKind

from . import services
from .models import ClaimRequest, Structure
from .services import PROPOSAL_SOURCE


def _pending() -> Any:
    return ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).select_related(
        "structure", "structure__commune", "user"
    )


def _is_proposal(claim: ClaimRequest) -> bool:
    return claim.structure.source == PROPOSAL_SOURCE and claim.structure.status == Structure.Status.TO_REVIEW


def _item(claim: ClaimRequest) -> ReviewItem:
    structure = claim.structure
    what = "Nouvelle structure proposée" if _is_proposal(claim) else "Gérer la fiche"
    summary = f"{what} · SIRET {structure.siret}" if structure.siret else what
    return ReviewItem(
        pk=claim.pk,
        title=structure.name,
        summary=summary,
        submitted_at=claim.created_at,
        submitted_by=claim.requester_label,
    )


def _similar(structure: Structure) -> Structure | None:
    """A structure of the directory that the proposed one may duplicate (same SIREN, else same name)."""
    others = Structure.objects.exclude(pk=structure.pk).exclude(status=Structure.Status.DELISTED)
    if structure.siren:
        same = others.filter(siren=structure.siren).first()
        if same is not None:
            return same
    return (
        others.filter(name_normalised=structure.name_normalised).first()
        if structure.name_normalised
        else None
    )


class ClaimReview(ReviewKind):
    slug = "rattachements"
    label = "Demandes de rattachement"
    description = (
        "Des personnes demandent à gérer la fiche d'une structure de l'annuaire, ou proposent une structure "
        "absente. Accepter donne la fiche à la personne (et publie une structure proposée)."
    )

    def count(self) -> int:
        return ClaimRequest.objects.filter(status=ClaimRequest.Status.PENDING).count()

    def items(self, *, offset: int, limit: int) -> list[ReviewItem]:
        claims = _pending().order_by("created_at", "pk")[offset : offset + limit]
        return [_item(claim) for claim in claims]

    def detail(self, pk: int) -> ReviewDetail | None:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            return None
        structure = claim.structure
        user = claim.user
        links = [("Voir la fiche de la structure", reverse("directory:profile", args=[structure.pk]))]
        if _is_proposal(claim):
            similar = _similar(structure)
            notes = ["Structure absente de l'annuaire, proposée par la personne : accepter la publie."]
            if similar is None:
                notes.append("Aucune structure de l'annuaire n'a le même SIREN ni le même nom.")
            else:
                notes.append(
                    "Une structure de l'annuaire lui ressemble : vérifiez qu'il ne s'agit pas d'un doublon."
                )
                links.append((f"Voir « {similar.name} »", reverse("directory:profile", args=[similar.pk])))
            rows = [
                Comparison("Nom", structure.name, similar.name if similar else ""),
                Comparison("SIRET", structure.siret, similar.siret if similar else ""),
                Comparison(
                    "Commune",
                    str(structure.commune or ""),
                    str(similar.commune or "") if similar else "",
                ),
                Comparison("Site web", structure.website, similar.website if similar else ""),
                Comparison("Présentation", structure.description, similar.description if similar else ""),
                Comparison("Demandeur", claim.requester_label),
                Comparison("Message", claim.message),
            ]
            return ReviewDetail(
                item=_item(claim),
                rows=rows,
                proposed_heading="Structure proposée",
                current_heading="Structure semblable dans l'annuaire",
                notes=notes,
                links=links,
            )
        managers = (
            Membership.objects.filter(organisation_id=structure.organisation_id)
            .select_related("user")
            .order_by("user__email")
            if structure.organisation_id
            else Membership.objects.none()
        )
        manager_list = ", ".join(f"{m.user.email} ({m.get_role_display().lower()})" for m in managers)
        notes = []
        if manager_list:
            notes.append(f"La fiche a déjà des gestionnaires : {manager_list}.")
        rows = [
            Comparison("Nom", user.full_name, ""),
            Comparison("Adresse électronique", user.email, structure.email),
            Comparison(
                "Domaine de l'adresse / du site", email_domain(user.email), website_host(structure.website)
            ),
            Comparison("Message", claim.message),
            Comparison("Gestionnaires actuels", "", manager_list or "aucun"),
        ]
        links.append(("Modifier la fiche", reverse("directory:edit", args=[structure.pk])))
        return ReviewDetail(
            item=_item(claim),
            rows=rows,
            proposed_heading="Demandeur",
            current_heading="Fiche de la structure",
            notes=notes,
            links=links,
        )

    def approve(self, *, actor: Actor, pk: int) -> str:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            raise NotFoundError()
        services.claim_approve(actor=actor, claim=claim)
        return f"{claim.user} gère désormais « {claim.structure.name} »"

    def reject(self, *, actor: Actor, pk: int, reason: str) -> str:
        claim = _pending().filter(pk=pk).first()
        if claim is None:
            raise NotFoundError()
        services.claim_reject(actor=actor, claim=claim, reason=reason)
        return f"demande de {claim.user} pour « {claim.structure.name} » refusée"

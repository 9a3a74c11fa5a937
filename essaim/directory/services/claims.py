"""Writes of the directory's claims: a person asks to manage a structure, a facilitator decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add, organisation_create
from essaim.accounts.validators import clean_siret
from essaim.core.audit import log_action
from essaim.core.errors import PermissionDeniedError
from essaim.directory.errors import DirectoryError
from essaim.directory.models import ClaimRequest, Structure


@transaction.atomic
def claim_request(*, user: User, siret: str, message: str = "") -> ClaimRequest:
    """Ask to manage the structure with this SIRET."""
    try:
        siret = clean_siret(siret)
    except ValidationError as exc:
        raise DirectoryError(exc.messages[0], field="siret") from exc
    structure = Structure.objects.select_related("organisation").filter(siret=siret).first()
    if structure is None or structure.status == Structure.Status.DELISTED:
        raise DirectoryError(
            "Aucune structure de l'annuaire n'a ce SIRET : contactez l'équipe du territoire pour l'ajouter.",
            field="siret",
        )
    if (
        structure.organisation_id
        and Membership.objects.filter(organisation_id=structure.organisation_id, user=user).exists()
    ):
        raise DirectoryError("Vous gérez déjà cette structure.", field="siret")
    if ClaimRequest.objects.filter(
        structure=structure, user=user, status=ClaimRequest.Status.PENDING
    ).exists():
        raise DirectoryError("Votre demande pour cette structure est déjà en attente.", field="siret")
    claim = ClaimRequest.objects.create(structure=structure, user=user, message=message.strip()[:2000])
    log_action(actor=user, action="structure.claim_requested", target=structure, data={"claim": claim.pk})
    return claim


@transaction.atomic
def claim_approve(*, actor: User, claim: ClaimRequest) -> Membership:
    """Approve a claim: the claimant joins the structure's organisation (created if missing) as its admin
    when it has none yet, as a member otherwise."""
    if claim.status != ClaimRequest.Status.PENDING:
        raise DirectoryError("Cette demande a déjà été traitée.")
    if not actor.has_perm("directory.decide_claim", claim):
        raise PermissionDeniedError()
    structure = claim.structure
    organisation = structure.organisation
    if organisation is None:
        organisation = organisation_create(
            actor=actor,
            kind=Organisation.Kind.SUPPLIER,
            name=structure.name,
            siret=structure.siret if not Organisation.objects.filter(siret=structure.siret).exists() else "",
            commune_id=structure.commune_id,
            website=structure.website,
        )
        structure.organisation = organisation
        structure.save(update_fields=["organisation", "updated_at"])
    has_admin = Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN).exists()
    membership = membership_add(
        actor=actor,
        organisation=organisation,
        user=claim.user,
        role=Membership.Role.MEMBER if has_admin else Membership.Role.ADMIN,
    )
    claim.status = ClaimRequest.Status.APPROVED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="structure.claim_approved",
        target=structure,
        organisation_id=organisation.pk,
        data={"claim": claim.pk, "user": claim.user.email},
    )
    return membership


@transaction.atomic
def claim_reject(*, actor: User, claim: ClaimRequest) -> ClaimRequest:
    if claim.status != ClaimRequest.Status.PENDING:
        raise DirectoryError("Cette demande a déjà été traitée.")
    if not actor.has_perm("directory.decide_claim", claim):
        raise PermissionDeniedError()
    claim.status = ClaimRequest.Status.REJECTED
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor, action="structure.claim_rejected", target=claim.structure, data={"claim": claim.pk}
    )
    return claim

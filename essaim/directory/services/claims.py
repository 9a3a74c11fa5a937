"""Writes of the directory's claims: a person asks to manage a structure, a facilitator decides.

A claim is approved at once when the claimant's confirmed email belongs to the structure's website
(`accounts.email_domains.email_matches_website`: same registrable domain, never a free-mail one);
otherwise it waits in the facilitators' review queue (`directory.review.ClaimReview`). A structure absent
from the directory can be proposed with the claim (`structure_propose`): it is created "to review" with
the source `PROPOSAL_SOURCE`, published when its claim is approved and delisted when it is rejected.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.email_domains import email_matches_website
from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.services import membership_add, organisation_create
from essaim.accounts.validators import clean_siret
from essaim.core.audit import log_action
from essaim.core.errors import PermissionDeniedError
from essaim.core.home import waiting_changed
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.directory.errors import DirectoryError
from essaim.directory.models import ClaimRequest, Structure
from essaim.directory.services.structures import structure_create, structure_set_status

PROPOSAL_SOURCE = "inscription"  # Structure.source of a structure proposed by a person signing up


def _check_can_claim(user: User, structure: Structure, field: str) -> None:
    if structure.status == Structure.Status.DELISTED:
        raise DirectoryError("Cette structure a été retirée de l'annuaire.", field=field)
    if (
        structure.organisation_id
        and Membership.objects.filter(organisation_id=structure.organisation_id, user=user).exists()
    ):
        raise DirectoryError("Vous gérez déjà cette structure.", field=field)
    if ClaimRequest.objects.filter(
        structure=structure, user=user, status=ClaimRequest.Status.PENDING
    ).exists():
        raise DirectoryError("Votre demande pour cette structure est déjà en attente.", field=field)


@transaction.atomic
def claim_request(
    *, user: User, siret: str = "", structure: Structure | None = None, message: str = ""
) -> ClaimRequest:
    """Ask to manage a structure, given or found by its SIRET. Approved at once when the person's confirmed
    email belongs to the structure's website (`claim.status` says which)."""
    field = "siret"
    if structure is None:
        try:
            siret = clean_siret(siret)
        except ValidationError as exc:
            raise DirectoryError(exc.messages[0], field="siret") from exc
        structure = Structure.objects.select_related("organisation").filter(siret=siret).first()
        if structure is None or structure.status == Structure.Status.DELISTED:
            raise DirectoryError(
                "Aucune structure de l'annuaire n'a ce SIRET : vous pouvez la proposer.", field="siret"
            )
    else:
        field = "structure"
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    _check_can_claim(user, structure, field)
    claim = ClaimRequest.objects.create(structure=structure, user=user, message=message.strip()[:2000])
    log_action(actor=user, action="structure.claim_requested", target=structure, data={"claim": claim.pk})
    if (
        user.email_confirmed_at is not None
        and structure.source != PROPOSAL_SOURCE
        and email_matches_website(user.email, structure.website)
    ):
        _approve(claim, actor=user, automatic=True)
    waiting_changed(organisations=[structure.organisation_id], facilitators=True)
    return claim


@transaction.atomic
def structure_propose(*, user: User, data: dict[str, Any], message: str = "") -> ClaimRequest:
    """Propose a structure missing from the directory, and ask to manage it: both wait for review."""
    siret = str(data.get("siret") or "").strip()
    if siret:
        try:
            siret = clean_siret(siret)
        except ValidationError as exc:
            raise DirectoryError(exc.messages[0], field="siret") from exc
        if Structure.objects.filter(siret=siret).exclude(status=Structure.Status.DELISTED).exists():
            raise DirectoryError(
                "Cette structure est déjà dans l'annuaire : retrouvez-la par son nom ou son SIRET.",
                field="siret",
            )
        if Structure.objects.filter(siret=siret).exists():
            raise DirectoryError(
                "Une structure avec ce SIRET a été retirée de l'annuaire : écrivez à l'équipe du territoire.",
                field="siret",
            )
    structure = structure_create(
        actor=user,
        data={**data, "siret": siret},
        status=Structure.Status.TO_REVIEW,
        source=PROPOSAL_SOURCE,
        source_id=f"user:{user.pk}",
    )
    claim = ClaimRequest.objects.create(structure=structure, user=user, message=message.strip()[:2000])
    log_action(actor=user, action="structure.proposed", target=structure, data={"claim": claim.pk})
    waiting_changed(facilitators=True)
    return claim


def _approve(claim: ClaimRequest, *, actor: User, automatic: bool = False) -> Membership:
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
    if structure.status == Structure.Status.TO_REVIEW and structure.source == PROPOSAL_SOURCE:
        structure_set_status(actor=actor, structure=structure, status=Structure.Status.PUBLISHED)
    has_admin = Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN).exists()
    membership = membership_add(
        actor=actor,
        organisation=organisation,
        user=claim.user,
        role=Membership.Role.MEMBER if has_admin else Membership.Role.ADMIN,
    )
    claim.status = ClaimRequest.Status.APPROVED
    claim.decided_by = None if automatic else actor
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="structure.claim_auto_approved" if automatic else "structure.claim_approved",
        target=structure,
        organisation_id=organisation.pk,
        data={"claim": claim.pk, "user": claim.user.email},
    )
    if not automatic:
        send_mail(
            template="directory/emails/claim_approved",
            to=[claim.user.email],
            context={
                "claim": claim,
                "structure": structure,
                "profile_url": absolute_url(reverse("directory:profile", args=[structure.pk])),
            },
        )
    waiting_changed(organisations=[organisation.pk], facilitators=True)
    return membership


@transaction.atomic
def claim_approve(*, actor: Actor, claim: ClaimRequest) -> Membership:
    """Approve a claim: the claimant joins the structure's organisation (created if missing) as its admin
    when it has none yet, as a member otherwise; a structure they proposed is published."""
    claim = ClaimRequest.objects.select_for_update().select_related("structure", "user").get(pk=claim.pk)
    if claim.status != ClaimRequest.Status.PENDING:
        raise DirectoryError("Cette demande a déjà été traitée.")
    decider = acting_user(actor)
    if decider is None or not decider.has_perm("directory.decide_claim", claim):
        raise PermissionDeniedError()
    return _approve(claim, actor=decider)


@transaction.atomic
def claim_reject(*, actor: Actor, claim: ClaimRequest, reason: str = "") -> ClaimRequest:
    """Reject a claim (a structure the claimant proposed is delisted); the claimant is told, with `reason`."""
    claim = ClaimRequest.objects.select_for_update().select_related("structure", "user").get(pk=claim.pk)
    if claim.status != ClaimRequest.Status.PENDING:
        raise DirectoryError("Cette demande a déjà été traitée.")
    decider = acting_user(actor)
    if decider is None or not decider.has_perm("directory.decide_claim", claim):
        raise PermissionDeniedError()
    claim.status = ClaimRequest.Status.REJECTED
    claim.decided_by = decider
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    structure = claim.structure
    if structure.status == Structure.Status.TO_REVIEW and structure.source == PROPOSAL_SOURCE:
        structure_set_status(actor=actor, structure=structure, status=Structure.Status.DELISTED)
    log_action(
        actor=actor,
        action="structure.claim_rejected",
        target=structure,
        data={"claim": claim.pk, "reason": reason.strip()[:1000]},
    )
    send_mail(
        template="directory/emails/claim_rejected",
        to=[claim.user.email],
        context={
            "claim": claim,
            "structure": structure,
            "reason": reason.strip(),
            "contact_url": absolute_url(reverse("core:contact")),
        },
    )
    waiting_changed(organisations=[claim.structure.organisation_id], facilitators=True)
    return claim

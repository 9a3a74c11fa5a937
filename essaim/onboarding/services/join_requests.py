"""Join requests: a person asks to join a buyer or partner organisation, or proposes one Essaim does not know.

A request to an organisation that has administrators is decided by them (they get an email); otherwise,
and for every proposal, by the facilitators through their review queue (`onboarding.review`). Approving a
proposal creates the organisation, with the requester as its administrator."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Membership, Organisation, User
from essaim.accounts.selectors import member_emails
from essaim.accounts.services import membership_add, organisation_create
from essaim.accounts.validators import clean_siret
from essaim.core.audit import log_action
from essaim.core.errors import PermissionDeniedError
from essaim.core.home import waiting_changed
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail
from essaim.onboarding.errors import OnboardingError
from essaim.onboarding.models import JoinRequest

JOINABLE_KINDS = (Organisation.Kind.BUYER, Organisation.Kind.PARTNER)


def has_admin(organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.memberships.filter(role=Membership.Role.ADMIN).exists()


def _check_no_pending(user: User, organisation: Organisation | None) -> None:
    if organisation is None:
        return
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise OnboardingError("Vous êtes déjà membre de cette organisation.", field="organisation")
    if JoinRequest.objects.filter(
        organisation=organisation, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise OnboardingError(
            "Votre demande pour cette organisation est déjà en attente.", field="organisation"
        )


@transaction.atomic
def join_request_create(*, user: User, organisation: Organisation, message: str = "") -> JoinRequest:
    """Ask to join a buyer or partner organisation; its administrators (or the facilitators) decide."""
    if organisation.kind not in JOINABLE_KINDS or not organisation.is_active:
        raise OnboardingError(
            "On ne peut demander à rejoindre ici qu'un acheteur public ou un partenaire.",
            field="organisation",
        )
    _check_no_pending(user, organisation)
    request = JoinRequest.objects.create(user=user, organisation=organisation, message=message.strip()[:2000])
    log_action(
        actor=user,
        action="join_request.created",
        target=organisation,
        organisation_id=organisation.pk,
        data={"request": request.pk},
    )
    waiting_changed(organisations=[organisation.pk], facilitators=True)
    admins = member_emails(organisation.pk, admins_only=True)
    if admins:
        send_mail(
            template="onboarding/emails/join_requested",
            to=admins,
            context={
                "request": request,
                "decide_url": absolute_url(reverse("onboarding:join_requests", args=[organisation.pk])),
            },
        )
    return request


@transaction.atomic
def organisation_propose(*, user: User, data: dict[str, Any], message: str = "") -> JoinRequest:
    """Propose a buyer or partner organisation absent from Essaim, and ask to be its administrator."""
    errors: list[tuple[str, str]] = []  # every broken rule at once, each by its field
    kind = str(data.get("kind") or "")
    if kind not in JOINABLE_KINDS:
        errors.append(("kind", "Choisissez « acheteur public » ou « partenaire »."))
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(("name", "Le nom de l'organisation est obligatoire."))
    siret = str(data.get("siret") or "").strip()
    if siret:
        try:
            siret = clean_siret(siret)
        except ValidationError as exc:
            errors.append(("siret", exc.messages[0]))
        else:
            if Organisation.objects.filter(siret=siret).exists():
                errors.append(
                    (
                        "siret",
                        "Une organisation avec ce SIRET est déjà inscrite : retrouvez-la par son nom ou son SIRET.",
                    )
                )
    category = str(data.get("buyer_category") or "")
    if kind == Organisation.Kind.BUYER and category not in Organisation.BuyerCategory.values:
        errors.append(("buyer_category", "Précisez la catégorie d'acheteur."))
    if (
        name
        and JoinRequest.objects.filter(
            user=user, organisation=None, proposed_name__iexact=name, status=JoinRequest.Status.PENDING
        ).exists()
    ):
        errors.append(("name", "Vous avez déjà proposé cette organisation : elle attend d'être examinée."))
    if errors:
        raise OnboardingError(errors=errors)
    request = JoinRequest.objects.create(
        user=user,
        proposed_kind=kind,
        proposed_name=name[:200],
        proposed_siret=siret,
        proposed_buyer_category=category if kind == Organisation.Kind.BUYER else "",
        proposed_website=str(data.get("website") or "").strip()[:200],
        message=message.strip()[:2000],
    )
    log_action(actor=user, action="join_request.proposed", target=request, data={"name": name})
    waiting_changed(facilitators=True)
    return request


def _locked(request: JoinRequest) -> JoinRequest:
    request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=request.pk)
    )
    if request.status != JoinRequest.Status.PENDING:
        raise OnboardingError("Cette demande a déjà été traitée.")
    return request


@transaction.atomic
def join_request_approve(*, actor: Actor, request: JoinRequest) -> Membership:
    """The requester joins the organisation (created from a proposal, with them as administrator)."""
    request = _locked(request)
    decider = acting_user(actor)
    if decider is None or not decider.has_perm("onboarding.decide_join_request", request):
        raise PermissionDeniedError()
    organisation = request.organisation
    if organisation is None:
        organisation = organisation_create(
            actor=actor,
            kind=request.proposed_kind,
            name=request.proposed_name,
            siret=request.proposed_siret,
            buyer_category=request.proposed_buyer_category,
            website=request.proposed_website,
        )
        request.organisation = organisation
    role = Membership.Role.MEMBER if has_admin(organisation) else Membership.Role.ADMIN
    membership = membership_add(actor=actor, organisation=organisation, user=request.user, role=role)
    request.status = JoinRequest.Status.APPROVED
    request.decided_by = decider
    request.decided_at = timezone.now()
    request.save(update_fields=["organisation", "status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="join_request.approved",
        target=organisation,
        organisation_id=organisation.pk,
        data={"request": request.pk, "user": request.user.email},
    )
    waiting_changed(organisations=[organisation.pk], facilitators=True)
    send_mail(
        template="onboarding/emails/join_approved",
        to=[request.user.email],
        context={
            "organisation": organisation,
            "url": absolute_url(reverse("accounts:organisation_detail", args=[organisation.pk])),
        },
    )
    return membership


@transaction.atomic
def join_request_reject(*, actor: Actor, request: JoinRequest, reason: str = "") -> JoinRequest:
    request = _locked(request)
    decider = acting_user(actor)
    if decider is None or not decider.has_perm("onboarding.decide_join_request", request):
        raise PermissionDeniedError()
    request.status = JoinRequest.Status.REJECTED
    request.decided_by = decider
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    log_action(
        actor=actor,
        action="join_request.rejected",
        target=request,
        organisation_id=request.organisation_id,
        data={"reason": reason.strip()[:1000]},
    )
    waiting_changed(organisations=[request.organisation_id], facilitators=True)
    send_mail(
        template="onboarding/emails/join_rejected",
        to=[request.user.email],
        context={
            "name": request.organisation_name,
            "reason": reason.strip(),
            "contact_url": absolute_url(reverse("core:contact")),
        },
    )
    return request

"""Writes about people and organisations. Keyword-only, atomic, audited; emails sent on commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from essaim.core.audit import log_action
from essaim.core.links import absolute_url
from essaim.core.mail import send_mail

from .acting import Actor
from .errors import (
    ACCOUNT_EXISTS,
    ALREADY_MEMBER,
    BUYER_CATEGORY_REQUIRED,
    INVITATION_ACCEPTED,
    INVITATION_EXPIRED,
    INVITATION_FOR_ANOTHER,
    INVITATION_INVALID,
    INVITATION_REVOKED,
    LAST_ADMIN,
    ORGANISATION_NAME_REQUIRED,
    SIRET_TAKEN,
    UNKNOWN_API_SCOPE,
    UNKNOWN_ORGANISATION_KIND,
    UNKNOWN_ROLE,
    UNNAMED_API_ACCESS,
    AccountError,
)
from .models import ApiToken, Invitation, Membership, Organisation, User, hash_token
from .validators import clean_siren, clean_siret

FACILITATOR_GROUP = "Animation territoriale"
# Apps whose models facilitators administer in the back office.
FACILITATOR_APPS = (
    "core",
    "accounts",
    "territory",
    "directory",
    "sourcing",
    "events",
    "insight",
    "cooperation",
)


def facilitator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=FACILITATOR_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=FACILITATOR_APPS))
    return group


def _sync_staff_status(user: User) -> None:
    """Facilitators (members of a territory team) get the back office; nobody else does (but superusers)."""
    is_facilitator = user.memberships.filter(organisation__kind=Organisation.Kind.TERRITORY).exists()
    group = facilitator_group()
    if is_facilitator:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    staff = is_facilitator or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def organisation_create(
    *,
    actor: Actor,
    kind: str,
    name: str,
    siret: str = "",
    siren: str = "",
    buyer_category: str = "",
    commune_id: str | None = None,
    website: str = "",
    description: str = "",
) -> Organisation:
    if kind not in Organisation.Kind.values:
        raise AccountError(UNKNOWN_ORGANISATION_KIND, field="kind")
    if not name.strip():
        raise AccountError(ORGANISATION_NAME_REQUIRED, field="name")
    try:
        siret = clean_siret(siret) if siret else ""
        siren = clean_siren(siren) if siren else (siret[:9] if siret else "")
    except ValidationError as exc:
        raise AccountError(exc.messages[0], field="siret") from exc
    if siret and Organisation.objects.filter(siret=siret).exists():
        raise AccountError(SIRET_TAKEN, field="siret")
    if kind != Organisation.Kind.BUYER:
        buyer_category = ""
    elif not buyer_category:
        raise AccountError(BUYER_CATEGORY_REQUIRED, field="buyer_category")
    organisation = Organisation.objects.create(
        kind=kind,
        name=name.strip(),
        siret=siret,
        siren=siren,
        buyer_category=buyer_category,
        commune_id=commune_id,
        website=website,
        description=description,
    )
    log_action(
        actor=actor, action="organisation.created", target=organisation, organisation_id=organisation.pk
    )
    return organisation


@transaction.atomic
def membership_add(*, actor: Actor, organisation: Organisation, user: User, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise AccountError(UNKNOWN_ROLE, field="role")
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    _sync_staff_status(user)
    log_action(
        actor=actor,
        action="membership.added" if created else "membership.role_changed",
        target=organisation,
        organisation_id=organisation.pk,
        data={"user": user.email, "role": role},
    )
    return membership


def _ensure_other_admin(membership: Membership) -> None:
    if membership.role != Membership.Role.ADMIN:
        return
    others = Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise AccountError(LAST_ADMIN)


@transaction.atomic
def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise AccountError(UNKNOWN_ROLE, field="role")
    if role != membership.role and role == Membership.Role.MEMBER:
        _ensure_other_admin(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    log_action(
        actor=actor,
        action="membership.role_changed",
        target=membership.organisation,
        organisation_id=membership.organisation_id,
        data={"user": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    _ensure_other_admin(membership)
    user, organisation = membership.user, membership.organisation
    membership.delete()
    _sync_staff_status(user)
    log_action(
        actor=actor,
        action="membership.removed",
        target=organisation,
        organisation_id=organisation.pk,
        data={"user": user.email},
    )


@transaction.atomic
def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str) -> Invitation:
    """Invite `email` to `organisation`: the email holds the link that accepts (the raw token, never stored)."""
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise AccountError(UNKNOWN_ROLE, field="role")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise AccountError(ALREADY_MEMBER, field="email")
    now = timezone.now()
    # A new invitation replaces the pending ones for the same address.
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    raw = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(raw),
        invited_by=actor,
        expires_at=now + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    log_action(
        actor=actor,
        action="invitation.created",
        target=organisation,
        organisation_id=organisation.pk,
        data={"email": email, "role": role},
    )
    send_mail(
        template="accounts/emails/invitation",
        to=[email],
        context={
            "invitation": invitation,
            "accept_url": absolute_url(reverse("accounts:invitation_accept", args=[raw])),
            "inviter": actor,
        },
    )
    return invitation


def invitation_for_token(raw_token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_token(raw_token)).first()


@transaction.atomic
def invitation_accept(
    *, raw_token: str, user: User | None = None, full_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation: as the logged-in `user`, or by creating the account of the invited email."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    if invitation is None:
        raise AccountError(INVITATION_INVALID)
    if invitation.accepted_at is not None:
        raise AccountError(INVITATION_ACCEPTED)
    if invitation.revoked_at is not None:
        raise AccountError(INVITATION_REVOKED)
    if invitation.expires_at <= timezone.now():
        raise AccountError(INVITATION_EXPIRED)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise AccountError(ACCOUNT_EXISTS)
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            email_confirmed_at=timezone.now(),  # the link came to this mailbox
        )
    elif user.email.lower() != invitation.email.lower():
        raise AccountError(INVITATION_FOR_ANOTHER.format(email=invitation.email))
    elif user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at", "updated_at"])
    membership = membership_add(
        actor=user, organisation=invitation.organisation, user=user, role=invitation.role
    )
    log_action(
        actor=user,
        action="invitation.accepted",
        target=invitation.organisation,
        organisation_id=invitation.organisation_id,
        data={"email": invitation.email},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise AccountError(INVITATION_ACCEPTED)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    log_action(
        actor=actor,
        action="invitation.revoked",
        target=invitation.organisation,
        organisation_id=invitation.organisation_id,
        data={"email": invitation.email},
    )


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """Send a pending (or expired) invitation again: a new link, a new expiry; the first sending's date stays."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise AccountError("Cette invitation a déjà été acceptée.")
    if invitation.revoked_at is not None:
        raise AccountError("Cette invitation a été annulée : invitez de nouveau la personne.")
    raw = Invitation.new_token()
    now = timezone.now()
    invitation.token_hash = hash_token(raw)
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALIDITY_DAYS)
    invitation.last_sent_at = now
    invitation.save(update_fields=["token_hash", "expires_at", "last_sent_at", "updated_at"])
    log_action(
        actor=actor,
        action="invitation.resent",
        target=invitation.organisation,
        organisation_id=invitation.organisation_id,
        data={"email": invitation.email},
    )
    send_mail(
        template="accounts/emails/invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "accept_url": absolute_url(reverse("accounts:invitation_accept", args=[raw])),
            "inviter": actor,
        },
    )
    return invitation


@transaction.atomic
def api_token_create(
    *, actor: User | None, organisation: Organisation, name: str, scopes: Sequence[str] = ()
) -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored. `scopes`: its write rights
    (`ApiToken.SCOPES`), none for a read-only token."""
    if not name.strip():
        raise AccountError(UNNAMED_API_ACCESS, field="name")
    unknown = sorted(set(scopes) - set(ApiToken.SCOPES))
    if unknown:
        raise AccountError(
            UNKNOWN_API_SCOPE.format(scopes=", ".join(unknown), known=", ".join(ApiToken.SCOPES)),
            field="scopes",
        )
    raw = "ess_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name.strip(),
        prefix=raw[4:12],
        token_hash=hashlib.sha256(raw.encode()).hexdigest(),
        created_by=actor,
        scopes=sorted(set(scopes)),
    )
    log_action(actor=actor, action="api_token.created", target=token, organisation_id=organisation.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    log_action(actor=actor, action="api_token.revoked", target=token, organisation_id=token.organisation_id)


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("organisation")
        .filter(token_hash=hashlib.sha256(raw.encode()).hexdigest(), revoked_at__isnull=True)
        .first()
    )
    if token is not None and token.organisation.is_active:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token
    return None

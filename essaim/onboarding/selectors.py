"""Reads of onboarding: join requests waiting for facilitators, invitations not yet accepted."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from essaim.accounts.models import Invitation, Membership, Organisation, User
from essaim.directory.models import ClaimRequest, Structure
from essaim.directory.selectors import search_structures

from .models import JoinRequest


def join_requests_for_facilitators() -> QuerySet[JoinRequest]:
    """Pending proposals, and pending requests to organisations that have no administrator, oldest first."""
    admins = Membership.objects.filter(organisation=OuterRef("organisation"), role=Membership.Role.ADMIN)
    return (
        JoinRequest.objects.filter(status=JoinRequest.Status.PENDING)
        .filter(Q(organisation__isnull=True) | ~Exists(admins))
        .select_related("organisation", "user")
        .order_by("created_at", "pk")
    )


def join_requests_of(organisation: Organisation) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def requests_of(user: User) -> tuple[list[JoinRequest], list[ClaimRequest]]:
    """A person's join requests and claims, newest first (what the welcome page shows)."""
    joins = list(JoinRequest.objects.filter(user=user).select_related("organisation").order_by("-created_at"))
    claims = list(ClaimRequest.objects.filter(user=user).select_related("structure").order_by("-created_at"))
    return joins, claims


def invitations_not_accepted(*, state: str = "") -> QuerySet[Invitation]:
    """Invitations sent and not accepted (pending or expired; not revoked), the oldest sending first: who
    has not joined yet, and since when (`created_at`)."""
    invitations = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    if state == "pending":
        invitations = invitations.filter(expires_at__gt=timezone.now())
    elif state == "expired":
        invitations = invitations.filter(expires_at__lte=timezone.now())
    return invitations.select_related("organisation", "invited_by").order_by("created_at", "pk")


def organisations_without_members() -> QuerySet[Organisation]:
    members = Membership.objects.filter(organisation=OuterRef("pk"))
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(kind=Organisation.Kind.TERRITORY)
        .filter(~Exists(members))
        .order_by("created_at", "name")
    )


def _digits(query: str) -> str:
    return "".join(ch for ch in query if ch.isdigit())


def structures_matching(query: str, *, limit: int = 20) -> list[Structure]:
    """Structures a person may claim: by SIRET (14 digits) or SIREN (9), published or waiting for review;
    otherwise by name through the directory's search (published ones)."""
    digits = _digits(query)
    if len(digits) in (9, 14) and len(digits) >= len(query.replace(" ", "")) - 1:
        found = Structure.objects.exclude(status=Structure.Status.DELISTED).select_related("commune")
        found = found.filter(siret=digits) if len(digits) == 14 else found.filter(siren=digits)
        return list(found.order_by("name")[:limit])
    return search_structures(query, page_size=limit, with_facets=False).hits


def organisations_matching(query: str, *, limit: int = 20) -> list[Organisation]:
    """Buyer and partner organisations by name (any part of it) or by SIRET / SIREN."""
    organisations = Organisation.objects.filter(
        is_active=True, kind__in=[Organisation.Kind.BUYER, Organisation.Kind.PARTNER]
    ).select_related("commune")
    digits = _digits(query)
    if len(digits) in (9, 14):
        by_number = organisations.filter(Q(siret=digits) | Q(siren=digits[:9]))
        if by_number.exists():
            return list(by_number.order_by("name")[:limit])
    return list(organisations.filter(name__icontains=query.strip()).order_by("name")[:limit])

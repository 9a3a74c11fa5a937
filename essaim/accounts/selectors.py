"""Reads about people and organisations."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from essaim.core import home
from essaim.core.home import KeyFigure

from .acting import AnyUser, acting_organisation_of
from .models import Invitation, Membership, Organisation

HOME_ROLES: dict[str, str] = {
    Organisation.Kind.BUYER: home.BUYER,
    Organisation.Kind.SUPPLIER: home.SUPPLIER,
    Organisation.Kind.PARTNER: home.PARTNER,
    Organisation.Kind.TERRITORY: home.FACILITATOR,
}


def home_viewer(user: AnyUser) -> home.Viewer:
    """Whom a person's home page is for: the organisation they act for and the role its kind gives."""
    organisation = acting_organisation_of(user)
    role = HOME_ROLES.get(organisation.kind, "") if organisation is not None else ""
    return home.Viewer(user=user, organisation=organisation, role=role)


def member_emails(organisation_id: int, *, admins_only: bool = False) -> list[str]:
    """The addresses of an organisation's active members (or administrators), sorted: who its emails go to."""
    members = Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
    if admins_only:
        members = members.filter(role=Membership.Role.ADMIN)
    return sorted(members.values_list("user__email", flat=True))


def organisation_with_members(organisation_id: int) -> Organisation:
    return (
        Organisation.objects.select_related("commune")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("user").order_by("user__email")
            ),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    accepted_at__isnull=True, revoked_at__isnull=True
                ).order_by("-created_at"),
            ),
        )
        .get(pk=organisation_id)
    )


def organisation_counts_by_kind() -> dict[str, int]:
    rows = Organisation.objects.filter(is_active=True).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}


def home_figures() -> list[KeyFigure]:
    """The accounts' key figures of the home page (registered in `AccountsConfig.ready`)."""
    counts = organisation_counts_by_kind()
    return [
        KeyFigure(counts.get(Organisation.Kind.BUYER, 0), "acheteurs publics"),
        KeyFigure(counts.get(Organisation.Kind.SUPPLIER, 0), "structures de l'ESS inscrites"),
        KeyFigure(counts.get(Organisation.Kind.PARTNER, 0), "partenaires d'accompagnement"),
    ]

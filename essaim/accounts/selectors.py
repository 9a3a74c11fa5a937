"""Reads about people and organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch

from .models import Invitation, Membership, Organisation


def user_memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def pick_active_membership(memberships: list[Membership], organisation_id: int | None) -> Membership | None:
    """The membership the person is acting through: the one chosen in the session, else the first."""
    for membership in memberships:
        if membership.organisation_id == organisation_id:
            return membership
    return memberships[0] if memberships else None


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

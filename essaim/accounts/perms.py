"""Named permission rules for people and organisations (django-rules). One rule per action."""

from __future__ import annotations

from typing import Any

import rules

from .models import Membership, Organisation


def _memberships(user: Any) -> dict[int, Membership]:
    """The user's memberships by organisation id, fetched once per user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cache = getattr(user, "_essaim_memberships", None)
    if cache is None:
        cache = {
            m.organisation_id: m for m in Membership.objects.filter(user=user).select_related("organisation")
        }
        user._essaim_memberships = cache
    return cache


@rules.predicate
def is_facilitator(user: Any) -> bool:
    """Member of the territory team (the platform's facilitators)."""
    return any(m.organisation.kind == Organisation.Kind.TERRITORY for m in _memberships(user).values())


@rules.predicate
def is_member_of(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in _memberships(user)


@rules.predicate
def is_admin_of(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    membership = _memberships(user).get(organisation.pk)
    return membership is not None and membership.role == Membership.Role.ADMIN


def has_kind(kind: str) -> Any:
    @rules.predicate(name=f"member_of_{kind}")
    def predicate(user: Any) -> bool:
        return any(m.organisation.kind == kind for m in _memberships(user).values())

    return predicate


is_buyer = has_kind(Organisation.Kind.BUYER)
is_supplier = has_kind(Organisation.Kind.SUPPLIER)
is_partner = has_kind(Organisation.Kind.PARTNER)

rules.add_perm("accounts.view_organisation", is_member_of | is_facilitator)
rules.add_perm("accounts.manage_members", is_admin_of | is_facilitator)
rules.add_perm("accounts.manage_api_tokens", is_admin_of)
rules.add_perm("core.access_backoffice", is_facilitator)

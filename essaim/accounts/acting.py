"""Who acts: the person, and the organisation they act for in this request.

The ONLY way views, templates and permission rules learn who acts:
- `acting_membership(request)` / `acting_organisation(request)` in views;
- `acting_membership_of(user)` in rules (django-rules hands them the user): the middleware binds the
  organisation chosen in the session (the header's switcher) to `request.user`, so a rule sees the same
  organisation as the view. Without a choice (a fresh session, a command, a test calling `has_perm`), the
  person acts for their first organisation by name.
- `memberships_of(user)`: every membership of the person (one query per request, cached on the user).

A person who is a buyer in one organisation and a supplier in another gets, at any moment, the rules of
the organisation they act for.
"""

from __future__ import annotations

from typing import TypeAlias, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from .models import Membership, Organisation, User

#: A request's user as Django types it (a person or an anonymous visitor).
AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser

#: Who does a write: a signed-in person, an anonymous visitor (a signed link), or None (a command, a task).
Actor: TypeAlias = User | AnonymousUser | None

SESSION_KEY = "essaim_organisation_id"


def acting_user(actor: Actor) -> User | None:
    """The user to store in an author column (`created_by`, `decided_by`…): the actor when it is a
    signed-in person, otherwise None (an anonymous visitor with a signed link, a command, a task)."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


_MEMBERSHIPS = "_essaim_memberships"
_CHOICE = "_essaim_acting_choice"


def memberships_of(user: AnyUser) -> list[Membership]:
    """All memberships of the person (organisations active or not), by organisation name; cached."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Membership] | None = getattr(user, _MEMBERSHIPS, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user_id=cast(int, user.pk))
            .select_related("organisation")
            .order_by("organisation__name")
        )
        setattr(user, _MEMBERSHIPS, cached)
    return cached


def memberships_by_organisation(user: AnyUser) -> dict[int, Membership]:
    """Every membership of the person by organisation id: what "member of" rules ask."""
    return {m.organisation_id: m for m in memberships_of(user)}


def acting_memberships_of(user: AnyUser) -> list[Membership]:
    """The memberships a person can act through: those of active organisations (the switcher's list)."""
    return [m for m in memberships_of(user) if m.organisation.is_active]


def choose_organisation(user: AnyUser, organisation_id: int | None) -> None:
    """Bind the organisation chosen in the session to this user object (done by the middleware)."""
    setattr(user, _CHOICE, organisation_id)


def acting_membership_of(user: AnyUser) -> Membership | None:
    """The membership the person acts through: the one chosen in the session, else the first."""
    memberships = acting_memberships_of(user)
    chosen = getattr(user, _CHOICE, None)
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0] if memberships else None


def acting_organisation_of(user: AnyUser) -> Organisation | None:
    membership = acting_membership_of(user)
    return membership.organisation if membership is not None else None


def acting_membership(request: HttpRequest) -> Membership | None:
    """The membership through which the person behind `request` acts (None when anonymous or alone)."""
    return acting_membership_of(request.user)


def acting_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation the person behind `request` acts for (None when anonymous or without one)."""
    return acting_organisation_of(request.user)

"""Makes the person's organisations available: `request.memberships` and the active `request.membership`."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.http import HttpRequest, HttpResponse

from .models import Membership
from .selectors import pick_active_membership, user_memberships

SESSION_KEY = "essaim_organisation_id"


class _Organisations:
    """Computed on first use only: anonymous pages and static files cost no query."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def memberships(self) -> list[Membership]:
        return user_memberships(self.request.user)

    @cached_property
    def active(self) -> Membership | None:
        return pick_active_membership(self.memberships, self.request.session.get(SESSION_KEY))


class ActiveOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisations = _Organisations(request)  # type: ignore[attr-defined]
        return self.get_response(request)


def active_membership_of(request: HttpRequest) -> Membership | None:
    holder = getattr(request, "organisations", None)
    return holder.active if holder is not None else None

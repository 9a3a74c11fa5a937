"""Binds the organisation chosen in the session to `request.user` (see `essaim.accounts.acting`)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import get_user
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from .acting import SESSION_KEY, choose_organisation


def _user_with_choice(request: HttpRequest) -> object:
    user = get_user(request)  # the user AuthenticationMiddleware loads, cached on the request
    choose_organisation(user, request.session.get(SESSION_KEY))
    return user


class ActiveOrganisationMiddleware:
    """Still lazy: anonymous pages and static files cost no membership query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: _user_with_choice(request))  # type: ignore[assignment]
        return self.get_response(request)

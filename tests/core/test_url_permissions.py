"""Every URL pattern, requested by anonymous visitors and by each role: the expected answer, never a 500.

A new URL must be added to EXPECTED (the test fails otherwise), with the answer each role should get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from essaim.accounts.models import ApiToken, Invitation, Membership
from tests.conftest import ROLES

AUTHENTICATED = [r for r in ROLES if r != "anonymous"]
OK, REDIRECT, FORBIDDEN, NOT_ALLOWED = 200, 302, 403, 405
SKIPPED_NAMESPACES = {"admin", "api"}  # the back office is tested below; the API by schemathesis.


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def logged_in(status: int, anonymous: int = REDIRECT, **overrides: int) -> dict[str, int]:
    return {"anonymous": anonymous, **dict.fromkeys(AUTHENTICATED, status), **overrides}


def only(allowed: list[str], status: int = OK) -> dict[str, int]:
    return {"anonymous": REDIRECT, **{r: status if r in allowed else FORBIDDEN for r in AUTHENTICATED}}


BUYER_ORG_VIEWERS = ["buyer", "buyer_admin", "facilitator", "superuser"]
BUYER_ORG_MANAGERS = ["buyer_admin", "facilitator", "superuser"]

# url name -> (kwargs builder, expected status per role)
EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "core:home": (None, everyone(OK)),
    "core:dashboard": (None, logged_in(OK)),
    "core:accessibility": (None, everyone(OK)),
    "core:legal_notices": (None, everyone(OK)),
    "core:privacy": (None, everyone(OK)),
    "core:sitemap": (None, everyone(OK)),
    "core:contact": (None, everyone(OK)),
    "accounts:login": (None, logged_in(REDIRECT, anonymous=OK)),
    "accounts:logout": (None, logged_in(NOT_ALLOWED)),
    "accounts:password_reset": (None, everyone(OK)),
    "accounts:password_reset_done": (None, everyone(OK)),
    "accounts:password_reset_confirm": (
        lambda s: {"uidb64": s["uid"], "token": "mauvais-jeton"},
        everyone(OK),
    ),
    "accounts:password_reset_complete": (None, everyone(OK)),
    "accounts:invitation_accept": (lambda s: {"token": s["invitation_token"]}, everyone(OK)),
    "accounts:organisation_list": (None, logged_in(OK)),
    "accounts:organisation_switch": (None, logged_in(NOT_ALLOWED)),
    "accounts:organisation_detail": (lambda s: {"pk": s["org"].pk}, only(BUYER_ORG_VIEWERS)),
    "accounts:organisation_invite": (lambda s: {"pk": s["org"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:api_tokens": (lambda s: {"pk": s["org"].pk}, only(["buyer_admin", "superuser"])),
    "accounts:membership_role": (lambda s: {"pk": s["membership"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:membership_remove": (lambda s: {"pk": s["membership"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, logged_in(NOT_ALLOWED)),
    "accounts:api_token_revoke": (lambda s: {"pk": s["token"].pk}, logged_in(NOT_ALLOWED)),
    "territory:perimeter_detail": (lambda s: {"code": "epci:200058014"}, everyone(OK)),
}

# POST to the views that change something: who may, who may not (and then nothing changes).
POST_EXPECTED: dict[
    str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]], list[str]]
] = {
    "accounts:organisation_invite": (
        lambda s: {"pk": s["org"].pk},
        lambda s: {"email": "nouvelle@exemple.fr", "role": "member"},
        BUYER_ORG_MANAGERS,
    ),
    "accounts:membership_role": (
        lambda s: {"pk": s["membership"].pk},
        lambda s: {"role": "admin"},
        BUYER_ORG_MANAGERS,
    ),
    "accounts:membership_remove": (lambda s: {"pk": s["membership"].pk}, lambda s: {}, BUYER_ORG_MANAGERS),
    "accounts:invitation_revoke": (lambda s: {"pk": s["invitation"].pk}, lambda s: {}, BUYER_ORG_MANAGERS),
    "accounts:api_token_revoke": (
        lambda s: {"pk": s["token"].pk},
        lambda s: {},
        ["buyer_admin", "superuser"],
    ),
}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else ns
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_url_pattern_has_an_expectation() -> None:
    missing = all_url_names() - set(EXPECTED)
    stale = set(EXPECTED) - all_url_names()
    assert not missing, f"URLs without an access expectation: {sorted(missing)}"
    assert not stale, f"Expectations for URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(role: str, client_as, samples) -> None:  # noqa: ANN001
    client = client_as(role)
    failures = []
    for name, (build_kwargs, expected) in sorted(EXPECTED.items()):
        url = reverse(name, kwargs=build_kwargs(samples) if build_kwargs else None)
        response = client.get(url)
        if response.status_code != expected[role]:
            failures.append(f"{name} ({url}): got {response.status_code}, expected {expected[role]}")
        elif response.status_code == REDIRECT and role == "anonymous" and expected[role] == REDIRECT:
            if not response["Location"].startswith(reverse("accounts:login")):
                failures.append(
                    f"{name}: anonymous redirected to {response['Location']} instead of the login"
                )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_changes_are_refused_to_roles_without_the_right(role: str, client_as, samples) -> None:  # noqa: ANN001
    client = client_as(role)
    for name, (build_kwargs, build_data, allowed) in POST_EXPECTED.items():
        before = (
            Membership.objects.count(),
            Invitation.objects.filter(revoked_at__isnull=True).count(),
            ApiToken.objects.filter(revoked_at__isnull=True).count(),
            list(Membership.objects.values_list("role", flat=True).order_by("pk")),
        )
        response = client.post(reverse(name, kwargs=build_kwargs(samples)), build_data(samples))
        if role == "anonymous":
            assert response.status_code == REDIRECT and response["Location"].startswith(
                reverse("accounts:login")
            )
        elif role in allowed:
            assert response.status_code in (REDIRECT, OK), (name, response.status_code)
            continue
        else:
            assert response.status_code == FORBIDDEN, (name, role, response.status_code)
        after = (
            Membership.objects.count(),
            Invitation.objects.filter(revoked_at__isnull=True).count(),
            ApiToken.objects.filter(revoked_at__isnull=True).count(),
            list(Membership.objects.values_list("role", flat=True).order_by("pk")),
        )
        assert after == before, f"{name} changed data for {role}"


@pytest.mark.parametrize("role", ROLES)
def test_back_office_is_for_facilitators_only(role: str, client_as, world) -> None:  # noqa: ANN001
    response = client_as(role).get(reverse("admin:index"))
    if role in ("facilitator", "superuser"):
        assert response.status_code == OK
    else:
        assert response.status_code == REDIRECT and "/back-office/login/" in response["Location"]


def test_pages_never_show_another_organisations_name(client_as, world) -> None:  # noqa: ANN001
    client = client_as("other_buyer")
    for name in ("core:dashboard", "accounts:organisation_list"):
        content = client.get(reverse(name)).content.decode()
        assert "Ivry" in content
        assert "Vitry" not in content

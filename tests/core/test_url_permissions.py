"""Every URL pattern, requested by anonymous visitors and by each role: the expected answer, never a 500.

A new URL must be declared in tests/<app>/url_expectations.py (the test fails otherwise).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from essaim.accounts.models import ApiToken, Invitation, Membership
from tests.conftest import ROLES
from tests.url_matrix import EXPECTED, FORBIDDEN, NOT_FOUND, OK, POST_EXPECTED, REDIRECT

SKIPPED_NAMESPACES = {"admin", "api"}  # the back office is tested below; the API by schemathesis.


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
def test_every_url_answers_each_role_as_expected(role: str, client_as, samples) -> None:
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
def test_changes_are_refused_to_roles_without_the_right(role: str, client_as, samples) -> None:
    client = client_as(role)
    for name, (build_kwargs, build_data, allowed, *rest) in POST_EXPECTED.items():
        state = rest[0] if rest else None

        def snapshot() -> tuple[object, ...]:
            return (
                Membership.objects.count(),
                Invitation.objects.filter(revoked_at__isnull=True).count(),
                ApiToken.objects.filter(revoked_at__isnull=True).count(),
                list(Membership.objects.values_list("role", flat=True).order_by("pk")),
                state(samples) if state else None,  # noqa: B023
            )

        before = snapshot()
        response = client.post(reverse(name, kwargs=build_kwargs(samples)), build_data(samples))
        if role == "anonymous":
            assert response.status_code == REDIRECT, (name, response.status_code)
            assert response["Location"].startswith(reverse("accounts:login"))
        elif role in allowed:
            assert response.status_code in (REDIRECT, OK), (name, role, response.status_code)
            continue
        else:
            assert response.status_code in (FORBIDDEN, NOT_FOUND), (name, role, response.status_code)
        assert snapshot() == before, f"{name} changed data for {role}"


@pytest.mark.parametrize("role", ROLES)
def test_back_office_is_for_facilitators_only(role: str, client_as, world) -> None:
    response = client_as(role).get(reverse("admin:index"))
    if role in ("facilitator", "superuser"):
        assert response.status_code == OK
    else:
        assert response.status_code == REDIRECT and "/back-office/login/" in response["Location"]


def test_pages_never_show_another_organisations_name(client_as, world) -> None:
    client = client_as("other_buyer")
    for name in ("core:dashboard", "accounts:organisation_list"):
        content = client.get(reverse(name)).content.decode()
        assert "Ivry" in content
        assert "Vitry" not in content

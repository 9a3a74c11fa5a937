from typing import Any

from django.http import HttpRequest

from .acting import acting_membership, acting_memberships_of


def organisations(request: HttpRequest) -> dict[str, Any]:
    """`organisations.memberships` (the switcher's list) and `organisations.active` for the templates."""
    if not request.user.is_authenticated:
        return {}
    return {
        "organisations": {
            "memberships": acting_memberships_of(request.user),
            "active": acting_membership(request),
        }
    }

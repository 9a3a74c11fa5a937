"""Named permission rules of onboarding (django-rules), built on the accounts predicates."""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.perms import is_admin_of, is_facilitator

from .models import JoinRequest


@rules.predicate
def is_admin_of_requested(user: Any, request: JoinRequest | None) -> bool:
    """Administrator of the organisation a join request is about (never of a proposal: none exists yet)."""
    return isinstance(request, JoinRequest) and is_admin_of(user, request.organisation)


rules.add_perm("onboarding.decide_join_request", is_admin_of_requested | is_facilitator)
rules.add_perm("onboarding.view_join_requests", is_admin_of | is_facilitator)
# The facilitators' console: invitations one by one or from a table, who has not joined yet.
rules.add_perm("onboarding.console", is_facilitator)

"""Named permission rules for people and organisations (django-rules). One rule per action."""

from __future__ import annotations

from typing import Any

import rules

from .acting import acting_organisation_of, memberships_by_organisation
from .models import Membership, Organisation


@rules.predicate
def is_facilitator(user: Any) -> bool:
    """Member of the territory team (the platform's facilitators): a capability of the person, whichever
    organisation they act for at the moment (like staff status)."""
    return any(
        m.organisation.kind == Organisation.Kind.TERRITORY for m in memberships_by_organisation(user).values()
    )


@rules.predicate
def is_member_of(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in memberships_by_organisation(user)


@rules.predicate
def is_admin_of(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    membership = memberships_by_organisation(user).get(organisation.pk)
    return membership is not None and membership.role == Membership.Role.ADMIN


def acts_as(kind: str) -> Any:
    """The organisation the person acts for (see `essaim.accounts.acting`) is of this kind."""

    @rules.predicate(name=f"acts_as_{kind}")
    def predicate(user: Any) -> bool:
        organisation = acting_organisation_of(user)
        return organisation is not None and organisation.kind == kind

    return predicate


# "is a buyer" means: acts for a buyer now. A person who is a buyer in one organisation and a supplier in
# another gets the rules of the organisation chosen in the header's switcher.
is_buyer = acts_as(Organisation.Kind.BUYER)
is_supplier = acts_as(Organisation.Kind.SUPPLIER)
is_partner = acts_as(Organisation.Kind.PARTNER)

rules.add_perm("accounts.view_organisation", is_member_of | is_facilitator)
rules.add_perm("accounts.manage_members", is_admin_of | is_facilitator)
rules.add_perm("accounts.manage_api_tokens", is_admin_of)
rules.add_perm("core.access_backoffice", is_facilitator)
# The review queue (essaim.core.review): items awaiting a facilitator's decision.
rules.add_perm("core.review", is_facilitator)

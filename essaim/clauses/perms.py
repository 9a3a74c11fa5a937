"""Named permission rules of the social clauses capability (django-rules). One rule per action.

Who sees what (docs/clauses.md, « Qui voit quoi »):
- facilitators (the territory team) see and manage everything of their territory;
- a holder sees its own contracts, declares their hours, and sees the first name and reference of its own
  participants, never their eligibility;
- a buyer sees the figures of its own contracts, no person;
- suppliers, partners (unless they hold a contract) and anonymous visitors see nothing.

Rules about people (`clauses.view_people`, `clauses.manage_people`) are checked with
`rules.has_perm(name, user, obj)`, not `user.has_perm`: superusers are not widened into them (identities,
RQTH and RSA status are facilitators' business only, GDPR art. 9).
"""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.models import Organisation
from essaim.accounts.perms import is_buyer, is_facilitator

from .models import Contract


@rules.predicate
def holds_contracts(user: Any) -> bool:
    ids = list(memberships_by_organisation(user))
    return bool(ids) and Contract.objects.filter(holder_id__in=ids).exists()


@rules.predicate
def is_contract_holder(user: Any, contract: Contract | None) -> bool:
    return contract is not None and contract.holder_id in memberships_by_organisation(user)


@rules.predicate
def is_contract_buyer(user: Any, contract: Contract | None) -> bool:
    return contract is not None and contract.buyer_id in memberships_by_organisation(user)


@rules.predicate
def is_member_of_buyer(user: Any, organisation: Organisation | None) -> bool:
    return (
        organisation is not None
        and organisation.kind == Organisation.Kind.BUYER
        and organisation.pk in memberships_by_organisation(user)
    )


@rules.predicate
def is_member_of_holder(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in memberships_by_organisation(user)


# Pages of the capability
rules.add_perm("clauses.view_home", is_facilitator | is_buyer | holds_contracts)
# Contracts
rules.add_perm("clauses.manage_contracts", is_facilitator)
rules.add_perm("clauses.view_contract", is_facilitator | is_contract_holder | is_contract_buyer)
rules.add_perm("clauses.view_participants", is_facilitator | is_contract_holder)
rules.add_perm("clauses.declare_hours", is_facilitator | is_contract_holder)
rules.add_perm("clauses.validate_hours", is_facilitator)
# People (checked with rules.has_perm: never widened for superusers)
rules.add_perm("clauses.view_people", is_facilitator)
rules.add_perm("clauses.manage_people", is_facilitator)
# Dashboards
rules.add_perm("clauses.view_buyer_figures", is_facilitator | is_member_of_buyer)
rules.add_perm("clauses.view_holder_figures", is_facilitator | is_member_of_holder)
rules.add_perm("clauses.view_territory_figures", is_facilitator)

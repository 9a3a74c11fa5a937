"""Named permission rules of the insight capability (django-rules). One rule per action.

Reports are computed from open data (the DECP are published under the Licence Ouverte): every member of
a buyer, partner, supplier or territory organisation may read them. Suppliers included on purpose: seeing
where a buyer spends without any social consideration is how an ESS structure prepares its offer, and the
report only shows public facts about public buyers. The rejected records (raw published data with the
reasons of the cleaning) are a work tool of the facilitators only.
"""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import acting_organisation_of, memberships_by_organisation
from essaim.accounts.models import Organisation
from essaim.accounts.perms import is_buyer, is_facilitator, is_partner, is_supplier

can_view_reports = is_buyer | is_partner | is_supplier | is_facilitator

rules.add_perm("insight.view_report", can_view_reports)
rules.add_perm("insight.view_rejected", is_facilitator)


@rules.predicate
def buys_under_this_siren(user: Any, contract: Any) -> bool:
    """The person acts for the buyer of this contract (an object with `buyer_siren`): same SIREN."""
    organisation = acting_organisation_of(user)
    if organisation is None or organisation.kind != Organisation.Kind.BUYER or contract is None:
        return False
    siren = organisation.siren or organisation.siret[:9]
    return bool(siren) and siren == getattr(contract, "buyer_siren", None)


# The renewal radar is open data too: suppliers see which contracts come back, to prepare their answer.
rules.add_perm("insight.view_renewals", can_view_reports)
# A forecast pre-filled from a contract ending soon: its buyer, or a facilitator on the buyer's behalf.
rules.add_perm("insight.forecast_from_renewal", is_facilitator | buys_under_this_siren)


@rules.predicate
def is_spend_buyer(user: Any, organisation: Organisation | None) -> bool:
    """A member of that buyer organisation (without one: the person acts for a buyer)."""
    if organisation is None:
        acting = acting_organisation_of(user)
        return acting is not None and acting.kind == Organisation.Kind.BUYER
    return organisation.kind == Organisation.Kind.BUYER and organisation.pk in memberships_by_organisation(
        user
    )


# A buyer's spend by supplier is its own business: its members and the facilitators, nobody else (a buyer
# never sees another buyer's spend; the SPASER report shows only the shares).
rules.add_perm("insight.view_spend", is_facilitator | is_spend_buyer)
rules.add_perm("insight.import_spend", is_facilitator | is_spend_buyer)


@rules.predicate
def is_collaboration_buyer(user: Any, collaboration: Any) -> bool:
    return collaboration is not None and collaboration.buyer_id in memberships_by_organisation(user)


@rules.predicate
def is_collaboration_party(user: Any, collaboration: Any) -> bool:
    members = memberships_by_organisation(user)
    return collaboration is not None and (
        collaboration.buyer_id in members or collaboration.supplier_id in members
    )


# Collaborations followed to the contract: each organisation sees its own, the facilitators all of them; the
# buyer (or a facilitator) confirms which public contract followed.
rules.add_perm("insight.view_collaborations", is_buyer | is_supplier | is_facilitator)
rules.add_perm("insight.view_collaboration", is_facilitator | is_collaboration_party)
rules.add_perm("insight.link_contract", is_facilitator | is_collaboration_buyer)

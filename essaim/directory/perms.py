"""Named permission rules of the directory (django-rules), built on the accounts predicates."""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.perms import is_buyer, is_facilitator

from .models import ClaimRequest, Structure


def _organisation_id(obj: Any) -> int | None:
    if isinstance(obj, ClaimRequest):
        obj = obj.structure
    return obj.organisation_id if isinstance(obj, Structure) else None


@rules.predicate
def is_structure_member(user: Any, obj: Any) -> bool:
    organisation_id = _organisation_id(obj)
    return organisation_id is not None and organisation_id in memberships_by_organisation(user)


@rules.predicate
def is_structure_admin(user: Any, obj: Any) -> bool:
    organisation_id = _organisation_id(obj)
    membership = (
        memberships_by_organisation(user).get(organisation_id) if organisation_id is not None else None
    )
    return membership is not None and membership.role == "admin"


@rules.predicate
def is_published(user: Any, structure: Structure | None) -> bool:
    return structure is not None and structure.status == Structure.Status.PUBLISHED


# Anyone sees a published profile; drafts and delisted profiles only their members and facilitators.
rules.add_perm("directory.view_profile", is_published | is_structure_member | is_facilitator)
# Contact details (email, phone) are shown to logged-in people only.
rules.add_perm("directory.view_contacts", rules.is_authenticated)
rules.add_perm("directory.edit_profile", is_structure_member | is_facilitator)
rules.add_perm("directory.claim_profile", rules.is_authenticated & ~is_structure_member)
# Any logged-in person but the structure's own members may report a published profile to the facilitators.
rules.add_perm("directory.report_profile", rules.is_authenticated & is_published & ~is_structure_member)
rules.add_perm("directory.decide_claim", is_structure_admin | is_facilitator)
rules.add_perm("directory.moderate", is_facilitator)
rules.add_perm("directory.export_results", is_buyer | is_facilitator)
# The dashboard part of a profile (support offers for the structure…) is for its own members.
rules.add_perm("directory.view_dashboard", is_structure_member)

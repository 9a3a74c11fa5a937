"""Named permission rules of the cooperation capability (django-rules). One rule per action.

Rules that take a working group are tested with `rules.has_perm(name, user, group)` where the answer must not be widened for
superusers (a private group's documents are for its members only).
"""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.perms import is_facilitator, is_member_of, is_partner

from .models import Booking, GroupMember, Resource, SupportOffer, WorkingGroup


def _organisation_ids(user: Any) -> set[int]:
    return set(memberships_by_organisation(user))


@rules.predicate
def has_organisation(user: Any) -> bool:
    return bool(_organisation_ids(user))


def _group_roles(user: Any, group: WorkingGroup) -> dict[int, GroupMember]:
    """The user's organisations' active memberships of `group`, cached on the group object."""
    cache: dict[int, dict[int, GroupMember]] = group.__dict__.setdefault("_essaim_member_cache", {})
    key = getattr(user, "pk", None) or 0
    if key not in cache:
        ids = _organisation_ids(user)
        cache[key] = {
            m.organisation_id: m
            for m in GroupMember.objects.filter(
                group=group, organisation_id__in=ids, status=GroupMember.Status.ACTIVE
            )
        }
    return cache[key]


@rules.predicate
def is_group_member(user: Any, group: WorkingGroup | None) -> bool:
    return group is not None and bool(_group_roles(user, group))


@rules.predicate
def is_group_coordinator(user: Any, group: WorkingGroup | None) -> bool:
    return group is not None and any(
        m.role == GroupMember.Role.COORDINATOR for m in _group_roles(user, group).values()
    )


@rules.predicate
def is_public_group(user: Any, group: WorkingGroup | None) -> bool:
    return group is not None and not group.is_private


@rules.predicate
def is_group_tracking_flows(user: Any, group: WorkingGroup | None) -> bool:
    return group is not None and group.tracks_material_flows


@rules.predicate
def owns_resource(user: Any, resource: Resource | None) -> bool:
    return resource is not None and is_member_of(user, resource.owner)


@rules.predicate
def is_booking_owner(user: Any, booking: Booking | None) -> bool:
    return booking is not None and is_member_of(user, booking.resource.owner)


@rules.predicate
def is_booking_requester(user: Any, booking: Booking | None) -> bool:
    return booking is not None and is_member_of(user, booking.requester)


@rules.predicate
def owns_support_offer(user: Any, offer: SupportOffer | None) -> bool:
    return offer is not None and is_member_of(user, offer.organisation)


# Working groups
rules.add_perm("cooperation.create_group", has_organisation)
rules.add_perm("cooperation.join_group", has_organisation)
rules.add_perm("cooperation.manage_group", is_group_coordinator | is_facilitator)
rules.add_perm("cooperation.contribute_to_group", is_group_member)
rules.add_perm("cooperation.view_group_documents", is_group_member | is_public_group)
rules.add_perm("cooperation.declare_flows", is_group_member & is_group_tracking_flows)
rules.add_perm("cooperation.view_flows", is_group_member | is_facilitator)

# Pooling
rules.add_perm("cooperation.publish_resource", has_organisation)
rules.add_perm("cooperation.manage_resource", owns_resource)
rules.add_perm("cooperation.request_booking", has_organisation & ~owns_resource)
rules.add_perm("cooperation.view_booking", is_booking_owner | is_booking_requester | is_facilitator)
rules.add_perm("cooperation.decide_booking", is_booking_owner)
rules.add_perm("cooperation.cancel_booking", is_booking_requester | is_booking_owner)

# Support offers
rules.add_perm("cooperation.publish_support_offer", is_partner | is_facilitator)
rules.add_perm("cooperation.manage_support_offer", owns_support_offer | is_facilitator)

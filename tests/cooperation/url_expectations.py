"""Access expectations of the cooperation URLs (see tests/url_matrix.py).

Samples: a private textile group coordinated by the supplier with the partner as member (its charter is a
PDF only members see), a pending request from the other buyer, an action; the supplier's pooled van with a
booking requested by the buyer; the partner's support offer.

POST_EXPECTED runs in order for one role: edits come before withdrawals (a withdrawn resource or offer
cannot be edited any more).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from essaim.cooperation import services
from essaim.cooperation.models import GroupMember, Resource, SupportOffer
from tests.core.factories import pdf_upload
from tests.url_matrix import NOT_ALLOWED, OK, logged_in, only

from .factories import make_group, make_offer, make_resource, period

GROUP_MEMBERS = ["supplier", "partner"]
GROUP_MANAGERS = ["supplier", "facilitator", "superuser"]
BOOKING_VIEWERS = ["buyer", "buyer_admin", "supplier", "facilitator", "superuser"]


def add_samples(world: Any, samples: dict[str, Any]) -> None:
    group = make_group(coordinator=world.supplier_org, members=[world.partner_org])
    document = services.group_document_upload(
        actor=None,
        group=group,
        organisation=world.supplier_org,
        title="Charte du groupe",
        uploaded_file=pdf_upload(),
        as_charter=True,
    )
    pending = services.group_join(
        actor=None,
        group=group,
        organisation=world.other_buyer_org,
        member_type=GroupMember.MemberType.LOCAL_AUTHORITY,
    )
    action = services.group_action_create(actor=None, group=group, title="Recenser les besoins en locaux")
    resource = make_resource(world.supplier_org)
    starts_at, ends_at = period(3)
    booking = services.booking_request(
        actor=None, resource=resource, organisation=world.buyer_org, starts_at=starts_at, ends_at=ends_at
    )
    samples.update(
        coop_group=group,
        coop_document=document,
        coop_pending=pending,
        coop_member=GroupMember.objects.get(group=group, organisation=world.partner_org),
        coop_action=action,
        coop_resource=resource,
        coop_booking=booking,
        coop_offer=make_offer(world.partner_org),
    )


def _group(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["coop_group"].pk}


def _resource(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["coop_resource"].pk}


def _offer(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["coop_offer"].pk}


def _member(s: dict[str, Any]) -> dict[str, Any]:
    return {"pk": s["coop_member"].pk}


def _resource_state(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        Resource.objects.filter(pk=s["coop_resource"].pk).values_list(
            "title", "description", "capacity", "is_active"
        )
    )


def _offer_state(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        SupportOffer.objects.filter(pk=s["coop_offer"].pk).values_list(
            "title", "audience", "topics", "is_published"
        )
    )


def _member_state(s: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        GroupMember.objects.filter(group=s["coop_group"]).values_list("pk", "member_type", "role", "status")
    )


EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "cooperation:home": (None, logged_in(OK)),
    "cooperation:group_list": (None, logged_in(OK)),
    "cooperation:group_create": (None, logged_in(OK)),
    "cooperation:group_detail": (_group, logged_in(OK)),
    "cooperation:group_update": (_group, only(GROUP_MANAGERS)),
    "cooperation:group_join": (_group, logged_in(NOT_ALLOWED)),
    "cooperation:action_create": (_group, logged_in(NOT_ALLOWED)),
    "cooperation:meeting_create": (_group, logged_in(NOT_ALLOWED)),
    "cooperation:document_upload": (_group, logged_in(NOT_ALLOWED)),
    "cooperation:group_flows": (_group, only(["supplier", "partner", "facilitator", "superuser"])),
    "cooperation:member_decide": (lambda s: {"pk": s["coop_pending"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:member_type": (_member, logged_in(NOT_ALLOWED)),
    "cooperation:member_role": (_member, logged_in(NOT_ALLOWED)),
    "cooperation:action_update": (lambda s: {"pk": s["coop_action"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:action_comment": (lambda s: {"pk": s["coop_action"].pk}, logged_in(NOT_ALLOWED)),
    # Members only, superusers included: a private group's documents never leave the group.
    "cooperation:document_detail": (lambda s: {"pk": s["coop_document"].pk}, only(GROUP_MEMBERS)),
    "cooperation:resource_list": (None, logged_in(OK)),
    "cooperation:resource_create": (None, logged_in(OK)),
    "cooperation:request_create": (None, logged_in(OK)),
    "cooperation:my_pooling": (None, logged_in(OK)),
    "cooperation:resource_detail": (lambda s: {"pk": s["coop_resource"].pk}, logged_in(OK)),
    "cooperation:booking_create": (lambda s: {"pk": s["coop_resource"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:resource_update": (_resource, only(["supplier", "superuser"])),
    "cooperation:resource_withdraw": (lambda s: {"pk": s["coop_resource"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:booking_detail": (lambda s: {"pk": s["coop_booking"].pk}, only(BOOKING_VIEWERS)),
    "cooperation:booking_decide": (lambda s: {"pk": s["coop_booking"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:booking_cancel": (lambda s: {"pk": s["coop_booking"].pk}, logged_in(NOT_ALLOWED)),
    "cooperation:support_list": (None, logged_in(OK)),
    "cooperation:support_create": (None, only(["partner", "facilitator", "superuser"])),
    "cooperation:support_detail": (lambda s: {"pk": s["coop_offer"].pk}, logged_in(OK)),
    "cooperation:support_update": (_offer, only(["partner", "facilitator", "superuser"])),
    "cooperation:support_withdraw": (lambda s: {"pk": s["coop_offer"].pk}, logged_in(NOT_ALLOWED)),
}

POST_EXPECTED: dict[
    str, tuple[Callable[[Any], dict[str, Any]], Callable[[Any], dict[str, Any]], list[str]]
] = {
    "cooperation:member_decide": (
        lambda s: {"pk": s["coop_pending"].pk},
        lambda s: {"decision": "accepter"},
        GROUP_MANAGERS,
    ),
    "cooperation:member_type": (
        _member,
        lambda s: {"member_type": "recherche"},
        GROUP_MANAGERS,
        _member_state,
    ),
    "cooperation:member_role": (
        _member,
        lambda s: {"role": "coordinateur"},
        GROUP_MANAGERS,
        _member_state,
    ),
    "cooperation:action_create": (
        _group,
        lambda s: {"action-title": "Nouvelle action", "action-status": "a-faire"},
        GROUP_MANAGERS,
    ),
    "cooperation:action_update": (
        lambda s: {"pk": s["coop_action"].pk},
        lambda s: {"status": "en-cours"},
        ["supplier", "partner", "facilitator", "superuser"],
    ),
    "cooperation:booking_decide": (
        lambda s: {"pk": s["coop_booking"].pk},
        lambda s: {"decision": "refuser"},
        ["supplier", "superuser"],
    ),
    "cooperation:booking_cancel": (
        lambda s: {"pk": s["coop_booking"].pk},
        lambda s: {},
        ["buyer", "buyer_admin", "supplier", "superuser"],
    ),
    "cooperation:resource_update": (
        _resource,
        lambda s: {
            "kind": "vehicule",
            "title": "Camion 20 m³ partagé",
            "description": "Un plus grand camion.",
            "capacity": "20 m³",
            "conditions": "partage-frais",
        },
        ["supplier", "superuser"],
        _resource_state,
    ),
    "cooperation:resource_withdraw": (
        lambda s: {"pk": s["coop_resource"].pk},
        lambda s: {},
        ["supplier", "superuser"],
    ),
    "cooperation:support_update": (
        _offer,
        lambda s: {
            "title": "Accompagnement renforcé",
            "description": "Conseil et formation.",
            "audience": "tous",
            "topics": ["formation"],
            "how_to_access": "Écrire à l'équipe.",
            "contact_email": "contact@cress.fr",
        },
        ["partner", "facilitator", "superuser"],
        _offer_state,
    ),
    "cooperation:support_withdraw": (
        lambda s: {"pk": s["coop_offer"].pk},
        lambda s: {},
        ["partner", "facilitator", "superuser"],
    ),
}

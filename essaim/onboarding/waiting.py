"""What onboarding puts on a person's home page (`essaim.core.home`): the requests to join the organisation
the person administers (facilitators see the others in their review queue, `essaim.core.review`)."""

from __future__ import annotations

from django.urls import reverse

from essaim.accounts.acting import acting_membership_of
from essaim.accounts.models import Membership
from essaim.core.home import FACILITATOR, ITEMS_PER_PROVIDER, Viewer, WaitingItem

from .models import JoinRequest


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    membership = acting_membership_of(viewer.user)
    if viewer.role == FACILITATOR or membership is None or membership.role != Membership.Role.ADMIN:
        return []
    requests = (
        JoinRequest.objects.filter(status=JoinRequest.Status.PENDING, organisation=membership.organisation_id)
        .select_related("user")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Demande d'adhésion",
            title=f"{request.user.get_full_name()} demande à rejoindre votre organisation",
            detail=request.message[:200],
            action="Accepter ou refuser",
            url=reverse("onboarding:join_requests", args=[membership.organisation_id]),
            since=request.created_at,
        )
        for request in requests
    ]

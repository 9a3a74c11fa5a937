"""What the directory puts on a person's home page (`essaim.core.home`): the requests to manage the profile
of the structure whose organisation the person administers (facilitators see every request in their review
queue, `essaim.core.review`)."""

from __future__ import annotations

from django.urls import reverse

from essaim.accounts.acting import acting_membership_of
from essaim.accounts.models import Membership
from essaim.core.home import FACILITATOR, ITEMS_PER_PROVIDER, Viewer, WaitingItem

from .models import ClaimRequest

SECTION = "directory:search"


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    membership = acting_membership_of(viewer.user)
    if viewer.role == FACILITATOR or membership is None or membership.role != Membership.Role.ADMIN:
        return []
    claims = (
        ClaimRequest.objects.filter(
            status=ClaimRequest.Status.PENDING, structure__organisation=membership.organisation_id
        )
        .select_related("user", "structure")
        .order_by("-created_at", "-id")[:ITEMS_PER_PROVIDER]
    )
    return [
        WaitingItem(
            kind="Demande de rattachement",
            title=f"{claim.user.get_full_name()} demande à gérer la fiche de {claim.structure.name}",
            detail=claim.message[:200],
            action="Examiner la demande",
            url=reverse("directory:claims", args=[claim.structure_id]),
            since=claim.created_at,
            section=SECTION,
        )
        for claim in claims
    ]

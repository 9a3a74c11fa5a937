"""The review queue on a facilitator's home page (`essaim.core.home`): each pending item of each kind they
may decide on, with the link of its side-by-side page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from essaim.core.home import FACILITATOR, ITEMS_PER_PROVIDER, Viewer, WaitingItem

from .registry import kinds_for


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    if viewer.role != FACILITATOR:
        return []
    found = []
    for kind in kinds_for(viewer.user):
        if not kind.on_home:
            continue
        for item in kind.items(offset=0, limit=ITEMS_PER_PROVIDER):
            found.append(
                WaitingItem(
                    kind=kind.label,
                    title=item.title,
                    detail=" — ".join(part for part in (item.summary, item.submitted_by) if part),
                    action="Examiner",
                    url=reverse("core:review_detail", args=[kind.slug, item.pk]),
                    since=item.submitted_at or timezone.now(),
                )
            )
    return found

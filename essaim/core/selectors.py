"""Reads of core: the home pages, from what the apps contribute (see `core.home`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from essaim.core.home import (
    KeyFigure,
    Upcoming,
    Viewer,
    WaitingItem,
    key_figures,
    next_upcoming,
    viewer_of,
    waiting_now,
)


def home_key_figures() -> list[KeyFigure]:
    return key_figures()


@dataclass(frozen=True)
class PersonalHome:
    viewer: Viewer
    waiting: list[WaitingItem]
    next_event: Upcoming | None


def personal_home(user: Any) -> PersonalHome:
    """A person's home page: what waits for them (newest first) and their next event."""
    viewer = viewer_of(user)
    return PersonalHome(viewer=viewer, waiting=waiting_now(viewer), next_event=next_upcoming(viewer))

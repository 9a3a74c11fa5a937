"""What the home pages show. Core imports no app: each app registers its providers from its
`AppConfig.ready()`, given as dotted paths so that nothing is imported before a page asks.

- The public home page's key figures: `register_figures("essaim.accounts.selectors.home_figures", order=10)`,
  a function of no argument returning a list of `KeyFigure`.
- A person's home page (the dashboard) lists what waits for them, newest first, each with its action, and
  their next event; the main navigation shows how many items wait in each of its sections:
  - `register_viewer(path)`: the one function `(user) -> Viewer` saying for which organisation and role
    the person acts (accounts registers it);
  - `register_waiting(path, order=…)`: a function `(viewer) -> list[WaitingItem]` (each app's `waiting.py`),
    in a fixed number of queries whatever the number of items, at most `ITEMS_PER_PROVIDER` items;
  - `register_upcoming(path, order=…)`: a function `(viewer) -> list[Upcoming]` (the next events).

The navigation's badges read one cached value per person and organisation (`waiting_counts`). It is
recomputed when it is older than `COUNTS_TIMEOUT`, or as soon as a service says that what waits for an
organisation, a person or the facilitators changed (`waiting_changed`, after the commit): the value
remembers the versions it was computed at, and one cache read fetches the value and the current versions.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils.module_loading import import_string

# --- the public home page's key figures -------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    value: int
    label: str


_providers: dict[str, int] = {}


def register_figures(path: str, *, order: int) -> None:
    """`path` names a function of no argument returning a list of `KeyFigure`; lower `order` first."""
    _providers[path] = order


def key_figures() -> list[KeyFigure]:
    figures: list[KeyFigure] = []
    for path in sorted(_providers, key=lambda p: (_providers[p], p)):
        provider: Callable[[], list[KeyFigure]] = import_string(path)
        figures.extend(provider())
    return figures


# --- a person's home page: what waits for them --------------------------------------------------------------

#: The roles a home page is made for, from the kind of the organisation the person acts for.
BUYER, SUPPLIER, PARTNER, FACILITATOR = "buyer", "supplier", "partner", "facilitator"
ITEMS_PER_PROVIDER = 50
COUNTS_TIMEOUT = 300  # seconds: items that wait because time passed (a month to declare) show up by then


@dataclass(frozen=True)
class Viewer:
    """Who looks at the home page: the person, the organisation they act for (None when they have none)
    and the role it gives them (`BUYER`, `SUPPLIER`, `PARTNER`, `FACILITATOR`, or "")."""

    user: Any
    organisation: Any = None
    role: str = ""

    @property
    def organisation_id(self) -> int | None:
        return getattr(self.organisation, "pk", None)


@dataclass(frozen=True)
class WaitingItem:
    """Something that waits for the viewer: `action` is the verb of the link to the page where it is done."""

    kind: str  # what it is: "Demande de rendez-vous", "Réservation", "Relevé d'heures"…
    title: str
    action: str  # "Répondre", "Accepter ou refuser", "Déclarer", "Valider", "Examiner"…
    url: str
    since: datetime  # when it started to wait: the list is sorted newest first
    detail: str = ""
    section: str = ""  # the URL name of the main navigation entry whose badge counts it


@dataclass(frozen=True)
class Upcoming:
    """An event ahead of the viewer (one they registered for, or one they can register for)."""

    title: str
    starts_at: datetime
    url: str
    detail: str = ""
    action: str = ""


@dataclass(frozen=True)
class WaitingCounts:
    total: int = 0
    by_section: dict[str, int] = field(default_factory=dict)


_viewer: list[str] = []
_waiting: dict[str, int] = {}
_upcoming: dict[str, int] = {}


def register_viewer(path: str) -> None:
    """`path` names the function `(user) -> Viewer` (one for the whole site: the last registered wins)."""
    _viewer[:] = [path]


def register_waiting(path: str, *, order: int) -> None:
    _waiting[path] = order


def register_upcoming(path: str, *, order: int) -> None:
    _upcoming[path] = order


def viewer_of(user: Any) -> Viewer:
    if not getattr(user, "is_authenticated", False):
        return Viewer(user=user)
    if not _viewer:
        return Viewer(user=user)
    provider: Callable[[Any], Viewer] = import_string(_viewer[0])
    return provider(user)


def _ordered(registry: dict[str, int]) -> list[str]:
    return sorted(registry, key=lambda p: (registry[p], p))


def waiting_items(viewer: Viewer) -> list[WaitingItem]:
    """Everything that waits for the viewer, newest first (read now, not from the cache)."""
    items: list[WaitingItem] = []
    if not getattr(viewer.user, "is_authenticated", False):
        return items
    for path in _ordered(_waiting):
        provider: Callable[[Viewer], list[WaitingItem]] = import_string(path)
        items.extend(provider(viewer))
    items.sort(key=lambda item: item.since, reverse=True)
    return items


def next_upcoming(viewer: Viewer) -> Upcoming | None:
    """The soonest of the events the apps propose to the viewer."""
    found: list[Upcoming] = []
    for path in _ordered(_upcoming):
        provider: Callable[[Viewer], list[Upcoming]] = import_string(path)
        found.extend(provider(viewer))
    return min(found, key=lambda upcoming: upcoming.starts_at) if found else None


def counts_of(items: Iterable[WaitingItem]) -> WaitingCounts:
    items = list(items)
    return WaitingCounts(
        total=len(items), by_section=dict(Counter(item.section for item in items if item.section))
    )


# --- the cached counts and their invalidation -----------------------------------------------------------


def _version_keys(viewer: Viewer) -> list[str]:
    keys = [f"home:v:u:{viewer.user.pk}"]
    if viewer.organisation_id is not None:
        keys.append(f"home:v:o:{viewer.organisation_id}")
    if viewer.role == FACILITATOR:
        keys.append("home:v:f")
    return keys


def _counts_key(viewer: Viewer) -> str:
    return f"home:counts:{viewer.user.pk}:{viewer.organisation_id or 0}:{viewer.role}"


def _versions(found: dict[str, Any], keys: list[str]) -> tuple[Any, ...]:
    return tuple(found.get(key) for key in keys)


def waiting_counts(viewer: Viewer) -> WaitingCounts:
    """How many items wait for the viewer, in total and by navigation section: one cache read when the
    counts are fresh, the providers' queries otherwise."""
    if not getattr(viewer.user, "is_authenticated", False):
        return WaitingCounts()
    keys = _version_keys(viewer)
    found = cache.get_many([_counts_key(viewer), *keys])
    cached = found.get(_counts_key(viewer))
    if cached is not None and cached[0] == _versions(found, keys):
        return WaitingCounts(total=cached[1], by_section=cached[2])
    return counts_of(_read_and_remember(viewer, _versions(found, keys)))


def waiting_now(viewer: Viewer) -> list[WaitingItem]:
    """What waits for the viewer, read now (the home page); the navigation's counts are refreshed with it."""
    if not getattr(viewer.user, "is_authenticated", False):
        return []
    keys = _version_keys(viewer)
    return _read_and_remember(viewer, _versions(cache.get_many(keys), keys))


def _read_and_remember(viewer: Viewer, versions: tuple[Any, ...]) -> list[WaitingItem]:
    # The versions were read before the items: a change committed meanwhile makes the next read recompute.
    items = waiting_items(viewer)
    counts = counts_of(items)
    cache.set(_counts_key(viewer), (versions, counts.total, counts.by_section), COUNTS_TIMEOUT)
    return items


def waiting_changed(
    *, organisations: Iterable[int | None] = (), users: Iterable[int | None] = (), facilitators: bool = False
) -> None:
    """Say that what waits for these organisations, these people or the facilitators changed: their cached
    counts are recomputed on their next page. Done after the commit (at once outside a transaction)."""
    keys = [f"home:v:o:{pk}" for pk in set(organisations) if pk is not None]
    keys += [f"home:v:u:{pk}" for pk in set(users) if pk is not None]
    if facilitators:
        keys.append("home:v:f")
    if keys:
        transaction.on_commit(lambda: cache.set_many({key: uuid.uuid4().hex for key in keys}, None))

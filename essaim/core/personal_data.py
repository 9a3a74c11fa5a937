"""The personal-data hook: what each app holds about a person, how it goes when the person deletes their
account, and how long it is kept.

Each app declares its own contribution in its `data_protection.py` module, imported at start-up like
`perms.py` (core never imports an app; the privacy app reads this registry):

    from essaim.core import personal_data

    @personal_data.export("events.registrations", "Inscriptions aux événements",
                          covers=["events.Registration.user"])
    def registrations(person): return [{...}, ...]          # JSON-ready rows for the download

    @personal_data.eraser("events")
    def erase(person, former): ...                          # on account deletion (see `Former`)

    @personal_data.obstacle("accounts")
    def obstacles(person): return [Obstacle(...)]           # reasons to refuse a self-service deletion

    personal_data.processing(Processing(...))              # a row of the "Données personnelles" page,
                                                            # with the purge applied by `essaim privacy_purge`

`covers` names every "app_label.Model.field" pointing at a person that the export reads:
`tests/privacy/test_registry.py` fails when a model refers to a person and no export covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from essaim.core.french import counted

Person = Any  # the AUTH_USER_MODEL instance (core does not import the accounts app)
Row = dict[str, Any]

PUBLIC_TASK = "Mission d'intérêt public (article 6-1-e du RGPD)"
SECURITY = "Mission d'intérêt public et sécurité du traitement (articles 6-1-e et 32 du RGPD)"


@dataclass(frozen=True)
class Former:
    """Who a deleted person was, handed to the erasers after the account row is pseudonymised."""

    email: str
    full_name: str
    pseudonym: str


@dataclass(frozen=True)
class Obstacle:
    """Why a person cannot delete their account yet, in French, with where to fix it."""

    message: str
    url: str = ""
    link_label: str = ""


@dataclass(frozen=True)
class ExportSection:
    key: str
    label: str
    rows: Callable[[Person], list[Row]]
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Processing:
    """One kind of record about people: a row of the "Données personnelles" page.

    `retention()` says how long, in French, from the settings at call time; `purge(now)` deletes what is
    past its period and returns how many rows went (or None when it cannot count them). Without `purge`,
    the records are kept as long as those they belong to.
    """

    key: str
    order: int
    data: str
    purpose: str
    legal_basis: str
    retention: Callable[[], str]
    purge: Callable[[datetime], int | None] | None = None


@dataclass
class Registry:
    sections: dict[str, ExportSection] = field(default_factory=dict)
    erasers: dict[str, Callable[[Person, Former], None]] = field(default_factory=dict)
    obstacles: dict[str, Callable[[Person], list[Obstacle]]] = field(default_factory=dict)
    processings: dict[str, Processing] = field(default_factory=dict)


registry = Registry()


def export(
    key: str, label: str, *, covers: list[str] | tuple[str, ...] = ()
) -> Callable[[Callable[[Person], list[Row]]], Callable[[Person], list[Row]]]:
    """Declare a section of the personal-data download (registering the same key again replaces it)."""

    def decorator(rows: Callable[[Person], list[Row]]) -> Callable[[Person], list[Row]]:
        registry.sections[key] = ExportSection(key=key, label=label, rows=rows, covers=tuple(covers))
        return rows

    return decorator


def eraser(key: str) -> Callable[[Callable[[Person, Former], None]], Callable[[Person, Former], None]]:
    """Declare what an app erases or ends when a person's account is deleted (inside its transaction)."""

    def decorator(function: Callable[[Person, Former], None]) -> Callable[[Person, Former], None]:
        registry.erasers[key] = function
        return function

    return decorator


def obstacle(key: str) -> Callable[[Callable[[Person], list[Obstacle]]], Callable[[Person], list[Obstacle]]]:
    """Declare a check that can refuse a self-service deletion (e.g. the last admin of an organisation)."""

    def decorator(function: Callable[[Person], list[Obstacle]]) -> Callable[[Person], list[Obstacle]]:
        registry.obstacles[key] = function
        return function

    return decorator


def processing(entry: Processing) -> Processing:
    registry.processings[entry.key] = entry
    return entry


def export_sections() -> list[ExportSection]:
    return [registry.sections[key] for key in sorted(registry.sections)]


def erasers() -> list[Callable[[Person, Former], None]]:
    return [registry.erasers[key] for key in sorted(registry.erasers)]


def deletion_obstacles(person: Person) -> list[Obstacle]:
    return [found for key in sorted(registry.obstacles) for found in registry.obstacles[key](person)]


def processings() -> list[Processing]:
    return sorted(registry.processings.values(), key=lambda entry: (entry.order, entry.key))


def retention_days(name: str) -> int:
    """A retention period in days, from `settings.PRIVACY_RETENTION_DAYS` (environment overrides)."""
    return int(settings.PRIVACY_RETENTION_DAYS[name])


def duration_label(days: int) -> str:
    """ "1 an", "2 ans", "30 jours", "1 jour": how the page says a period of `days` days."""
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return counted(years, "an")
    return counted(days, "jour")


def retention_label(name: str) -> str:
    return duration_label(retention_days(name))

"""Factories of the directory tests, and the few territory rows they need."""

from __future__ import annotations

import importlib

from django.apps import apps

from essaim.accounts.models import Organisation
from essaim.directory import services
from essaim.directory.models import Sector, Structure
from tests.accounts.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.territory_support import make_small_territory

__all__ = [
    "MemberFactory",
    "OrganisationFactory",
    "UserFactory",
    "ensure_sectors",
    "make_structure",
    "make_territory",
]

# The communes the directory tests use (code, name, SIREN not needed, département).
COMMUNES = [
    (code, name, "", dep)
    for code, name, dep in [
        ("94081", "Vitry-sur-Seine", "94"),
        ("94041", "Ivry-sur-Seine", "94"),
        ("94076", "Villejuif", "94"),
        ("94022", "Choisy-le-Roi", "94"),
        ("94054", "Orly", "94"),
        ("94044", "Limeil-Brévannes", "94"),
        ("91027", "Athis-Mons", "91"),
        ("91326", "Juvisy-sur-Orge", "91"),
        ("75056", "Paris", "75"),
    ]
]
GOSB = ["94081", "94041", "94076", "94022", "94054", "91027", "91326"]


def make_territory() -> None:
    """Région 11, départements 75/91/94, a few communes, their perimeters and the GOSB EPT."""
    make_small_territory(COMMUNES, GOSB)


def make_structure(
    name: str = "Structure test",
    *,
    activities: list[services.ActivityInput] | None = None,
    status: str = Structure.Status.PUBLISHED,
    organisation: Organisation | None = None,
    **data: object,
) -> Structure:
    """A structure written through the service, published by default."""
    return services.structure_create(
        actor=None,
        data={"name": name, **data},
        activities=activities,
        organisation=organisation,
        status=status,
    )


def ensure_sectors() -> None:
    """The reference sectors, created by a data migration, are flushed by transactional (browser) tests."""
    if not Sector.objects.exists():
        migration = importlib.import_module("essaim.directory.migrations.0002_search_indexes_and_sectors")
        migration.create_sectors(apps, None)

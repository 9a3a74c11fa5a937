"""Factories of the directory tests, and the few territory rows they need."""

from __future__ import annotations

from essaim.accounts.models import Membership, Organisation, User
from essaim.directory import services
from essaim.directory.models import Structure
from essaim.territory.models import Commune, Departement, Epci, Perimeter, PerimeterCommune, Region
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

__all__ = [
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "make_structure",
    "make_territory",
    "member_of",
]

COMMUNES = {
    "94081": ("Vitry-sur-Seine", "94"),
    "94041": ("Ivry-sur-Seine", "94"),
    "94076": ("Villejuif", "94"),
    "94022": ("Choisy-le-Roi", "94"),
    "94054": ("Orly", "94"),
    "94044": ("Limeil-Brévannes", "94"),
    "91027": ("Athis-Mons", "91"),
    "91326": ("Juvisy-sur-Orge", "91"),
    "75056": ("Paris", "75"),
}
GOSB = ["94081", "94041", "94076", "94022", "94054", "91027", "91326"]


def make_territory() -> None:
    """Région 11, départements 75/91/94, a few communes, their perimeters and the GOSB EPT."""
    region, _ = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    deps = {}
    for code, name in {"75": "Paris", "91": "Essonne", "94": "Val-de-Marne"}.items():
        deps[code], _ = Departement.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
    national, _ = Perimeter.objects.get_or_create(
        code="national", defaults={"kind": "national", "name": "France"}
    )
    reg, _ = Perimeter.objects.get_or_create(
        code="reg:11", defaults={"kind": "region", "name": "Île-de-France"}
    )
    dep_perimeters = {
        code: Perimeter.objects.get_or_create(
            code=f"dep:{code}", defaults={"kind": "departement", "name": dep.name}
        )[0]
        for code, dep in deps.items()
    }
    epci, _ = Epci.objects.get_or_create(
        siren="200058014", defaults={"name": "Grand-Orly Seine Bièvre", "kind": "EPT"}
    )
    ept, _ = Perimeter.objects.get_or_create(
        code="epci:200058014", defaults={"kind": "epci", "name": "Grand-Orly Seine Bièvre"}
    )
    for code, (name, dep) in COMMUNES.items():
        commune, _ = Commune.objects.get_or_create(
            code=code, defaults={"name": name, "departement": deps[dep], "region": region}
        )
        own, _ = Perimeter.objects.get_or_create(code=code, defaults={"kind": "commune", "name": name})
        for perimeter in (own, dep_perimeters[dep], reg, national) + ((ept,) if code in GOSB else ()):
            PerimeterCommune.objects.get_or_create(perimeter=perimeter, commune=commune)
        if code in GOSB:
            epci.communes.add(commune)


def member_of(
    kind: str, role: str = Membership.Role.MEMBER, organisation: Organisation | None = None
) -> User:
    organisation = organisation or OrganisationFactory(kind=kind)
    return MembershipFactory(organisation=organisation, role=role).user


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
    from essaim.directory.models import Sector

    if not Sector.objects.exists():
        import importlib

        from django.apps import apps

        migration = importlib.import_module("essaim.directory.migrations.0002_search_indexes_and_sectors")
        migration.create_sectors(apps, None)

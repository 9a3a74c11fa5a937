"""Demo structures: every structure named in the seed article (no invented SIRET), plus fictitious others
across the territory, marked as examples with example SIRENs (`demo_data`), so that every facet shows
something. `load_demo_structures()` is idempotent.

Territory rows (communes, perimeters) come from `essaim territory_load`; codes missing from the database
are skipped (commune left empty, perimeter dropped) rather than invented.
"""

from __future__ import annotations

from django.db import transaction

from essaim.accounts.models import Organisation
from essaim.accounts.services import organisation_create
from essaim.territory.models import Commune, Perimeter

from . import services
from .demo_data import EPT, EXAMPLE_MARK, EXAMPLE_SIRENS, OTHERS, SEED, DemoStructure
from .models import Structure

__all__ = [
    "EPT",
    "EXAMPLE_MARK",
    "EXAMPLE_SIRENS",
    "OTHERS",
    "SEED",
    "DemoStructure",
    "ensure_demo_structures",
    "load_demo",
    "load_demo_structures",
]


def _existing(codes: set[str]) -> tuple[set[str], set[str]]:
    communes = set(Commune.objects.filter(pk__in=codes).values_list("pk", flat=True))
    perimeters = set(Perimeter.objects.filter(code__in=codes).values_list("code", flat=True))
    return communes, perimeters


@transaction.atomic
def load_demo_structures() -> dict[str, int]:
    """Create or refresh the demo structures (published), each managed by a supplier organisation."""
    everything = SEED + OTHERS
    codes = {d.commune for d in everything} | {
        p for d in everything for _s, _t, ps in d.activities for p in ps
    }
    communes, perimeters = _existing(codes)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for demo in everything:
        activities = [
            services.ActivityInput(
                sector=sector,
                service_types=types,
                perimeters=tuple(p for p in places if p == "national" or p in perimeters),
            )
            for sector, types, places in demo.activities
        ]
        example = demo.key in EXAMPLE_SIRENS
        data = {
            "name": demo.name,
            "siren": EXAMPLE_SIRENS.get(demo.key, ""),
            "commune": demo.commune if demo.commune in communes else None,
            "description": f"{EXAMPLE_MARK} {demo.description}" if example else demo.description,
            "offers": demo.offers,
            "ess_families": list(demo.families),
            "inclusion_kinds": list(demo.kinds),
            "is_ressourcerie": demo.ressourcerie,
            "legal_form_code": demo.legal_form,
        }
        structure = Structure.objects.filter(source="demo", source_id=demo.key).first()
        if structure is None:
            organisation = organisation_create(
                actor=None, kind=Organisation.Kind.SUPPLIER, name=demo.name, commune_id=data["commune"]
            )
            services.structure_create(
                actor=None,
                data=data,
                activities=activities,
                organisation=organisation,
                status=Structure.Status.PUBLISHED,
                source="demo",
                source_id=demo.key,
            )
            counts["created"] += 1
        else:
            result = services.structure_update(
                actor=None,
                structure=structure,
                data=data,
                activities=activities,
                source="demo",
                source_id=demo.key,
            )
            counts["updated" if result.changed else "unchanged"] += 1
    return counts


def load_demo() -> dict[str, int]:
    """Entry point called by `essaim demo_setup`."""
    return load_demo_structures()


def ensure_demo_structures() -> None:
    """The demo structures (and the territory they need) unless some are there already: what the relevance
    benchmarks (`bench_search --relevance`, `bench_matching`) are measured on."""
    if Structure.objects.filter(source="demo").exists():
        return
    if not Commune.objects.exists():
        from django.core.management import call_command

        call_command("territory_load", verbosity=0)
    load_demo_structures()

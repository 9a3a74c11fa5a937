"""A tiny piece of the real territory for tests that do not load the whole reference extract."""

from __future__ import annotations

from collections.abc import Sequence

from essaim.territory.codes import search_key
from essaim.territory.models import Commune, Departement, Epci, Perimeter, PerimeterCommune, Region

# INSEE code, name, SIREN of a few communes of the EPT Grand-Orly Seine Bièvre and one outside it.
COMMUNES = [
    ("94081", "Vitry-sur-Seine", "219400819", "94"),
    ("94041", "Ivry-sur-Seine", "219400413", "94"),
    ("94044", "Limeil-Brévannes", "219400447", "94"),
    ("91027", "Athis-Mons", "219100278", "91"),
    ("94028", "Créteil", "219400280", "94"),
]
GOSB = ["94081", "94041", "94044", "91027"]


DEPARTEMENTS = {"75": "Paris", "91": "Essonne", "94": "Val-de-Marne"}


def make_small_territory(
    communes: Sequence[tuple[str, str, str, str]] = COMMUNES, gosb: Sequence[str] = GOSB
) -> None:
    """Région 11, the départements of `communes` (code, name, SIREN or "", département), their perimeters
    (national, région, département, commune) and the EPT Grand-Orly Seine Bièvre made of `gosb`."""
    region, _ = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    deps = {
        dep: Departement.objects.get_or_create(
            code=dep, defaults={"name": DEPARTEMENTS[dep], "region": region}
        )[0]
        for dep in sorted({dep for *_, dep in communes})
    }
    rows = {}
    for code, name, siren, dep in communes:
        rows[code], _ = Commune.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "siren": siren,
                "departement": deps[dep],
                "region": region,
                "search_name": search_key(name),
            },
        )
    epci, _ = Epci.objects.get_or_create(
        siren="200058014", defaults={"name": "Grand-Orly Seine Bièvre", "kind": "EPT"}
    )
    epci.communes.set([rows[c] for c in gosb])
    perimeters = {
        "national": ("national", "France entière", list(rows)),
        "reg:11": ("region", "Île-de-France", list(rows)),
        **{
            f"dep:{dep}": ("departement", departement.name, [c for c, *_, d in communes if d == dep])
            for dep, departement in deps.items()
        },
        "epci:200058014": ("epci", "Grand-Orly Seine Bièvre", list(gosb)),
        **{code: ("commune", name, [code]) for code, name, *_ in communes},
    }
    for code, (kind, name, members) in perimeters.items():
        perimeter, _ = Perimeter.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": name, "search_name": search_key(name)}
        )
        for member in members:
            PerimeterCommune.objects.get_or_create(perimeter=perimeter, commune_id=member)

"""A tiny piece of the real territory for tests that do not load the whole reference extract."""

from __future__ import annotations

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


def make_small_territory() -> None:
    region, _ = Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    deps = {
        "94": Departement.objects.get_or_create(
            code="94", defaults={"name": "Val-de-Marne", "region": region}
        )[0],
        "91": Departement.objects.get_or_create(code="91", defaults={"name": "Essonne", "region": region})[0],
    }
    communes = {}
    for code, name, siren, dep in COMMUNES:
        communes[code], _ = Commune.objects.get_or_create(
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
    epci.communes.set([communes[c] for c in GOSB])
    perimeters = {
        "national": ("national", "France entière", list(communes)),
        "reg:11": ("region", "Île-de-France", list(communes)),
        "dep:94": ("departement", "Val-de-Marne", [c for c, *_ in COMMUNES if c.startswith("94")]),
        "dep:91": ("departement", "Essonne", [c for c, *_ in COMMUNES if c.startswith("91")]),
        "epci:200058014": ("epci", "Grand-Orly Seine Bièvre", GOSB),
        **{code: ("commune", name, [code]) for code, name, *_ in COMMUNES},
    }
    for code, (kind, name, members) in perimeters.items():
        perimeter, _ = Perimeter.objects.get_or_create(
            code=code, defaults={"kind": kind, "name": name, "search_name": search_key(name)}
        )
        for member in members:
            PerimeterCommune.objects.get_or_create(perimeter=perimeter, commune_id=member)

"""Synthetic structures for load tests: realistic lengths, skewed (Zipf-like) word frequencies, dirty fields.

Written in bulk (derived columns computed here exactly as `services.structure_refresh_derived` does, then
the search index updated once): one audit entry for the whole batch instead of one per structure.
"""

from __future__ import annotations

import random
from itertools import accumulate

from django.db import transaction

from essaim.core.audit import log_action
from essaim.territory.models import Commune, Perimeter

from . import references
from .analysis import index_document, normalise
from .models import Activity, Sector, Structure
from .search_backends import get_backend
from .sector_mappings import TOP_LEVEL_SLUGS

WORDS = (
    "insertion réemploi association solidaire atelier chantier services entretien espaces verts nettoyage "
    "locaux collecte recyclage jouets vélo réparation traiteur repas restauration bio local produits formation "
    "accompagnement emploi handicap adapté numérique ordinateurs reconditionnement couture textile vêtements "
    "maroquinerie cuir bois mobilier ressourcerie boutique seconde main événements stands animation spectacle "
    "culture jeux société enfants crèches écoles compost biodéchets jardin potager maraîchage paniers livraison "
    "logistique transport déménagement peinture rénovation isolation bâtiment menuiserie plomberie électricité "
    "impression reprographie routage courrier accueil standard graphisme vidéo communication sites web "
    "aide domicile personnes âgées santé prévention blanchisserie linge repassage tri déchets électroniques "
    "conciergerie coopérative citoyenne quartier ville territoire proximité durable écologique circulaire"
).split()
PREFIXES = ["Atelier", "Association", "Coop", "Les Ateliers", "ESAT", "EA", "Régie de quartier", "Recyclerie",
            "Jardins", "Les Compagnons", "Entreprise", "Collectif", "Maison", "Fabrique", "Réseau"]  # fmt: skip


def _zipf_weights(n: int) -> list[float]:
    return list(accumulate(1 / (rank + 1) for rank in range(n)))


@transaction.atomic
def generate_structures(count: int, *, seed: int = 42, batch_size: int = 2000) -> int:
    rng = random.Random(seed)  # noqa: S311 - load data, not security
    words = WORDS[:]
    rng.shuffle(words)
    weights = _zipf_weights(len(words))
    communes = list(Commune.objects.values_list("code", "name"))
    perimeters = list(Perimeter.objects.exclude(kind="commune").values_list("id", flat=True))
    perimeters += list(
        Perimeter.objects.filter(code__in=[c for c, _ in communes[:200]]).values_list("id", flat=True)
    )
    sectors = list(Sector.objects.select_related("parent"))
    families, kinds = list(references.ESS_FAMILIES), list(references.INCLUSION_KINDS)
    start = Structure.objects.filter(source="synthetic").count()
    created = 0
    backend = get_backend()
    while created < count:
        size = min(batch_size, count - created)
        batch, plans = [], []
        for i in range(size):
            n = start + created + i
            text = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(12, 90)))
            name = f"{rng.choice(PREFIXES)} {' '.join(rng.choices(words, cum_weights=weights, k=rng.randint(1, 3))).title()}"
            if rng.random() < 0.05:
                name = name.upper() + "  "  # dirty: shouting, trailing spaces
            commune = rng.choice(communes) if communes and rng.random() > 0.03 else None
            fam = rng.sample(families, k=1 if rng.random() < 0.9 else 2)
            kin = rng.sample(kinds, k=1) if rng.random() < 0.3 else []
            acts = rng.sample(sectors, k=rng.randint(1, 3))
            top_mask = 0
            for sector in acts:
                top_mask |= 1 << TOP_LEVEL_SLUGS.index((sector.parent or sector).slug)
            eligibility = references.reservations_for(kin, fam)
            sector_words = " ".join(
                f"{(s.parent or s).name} {(s.parent or s).keywords} {s.name}" for s in acts
            )
            structure = Structure(
                name=name.strip()[:200],
                status=Structure.Status.PUBLISHED,
                source="synthetic",
                source_id=str(n),
                commune_id=commune[0] if commune else None,
                description=text,
                offers=" ".join(rng.choices(words, cum_weights=weights, k=rng.randint(0, 20))),
                email=f"contact{n}@exemple.org" if rng.random() < 0.7 else "",
                phone=f"01 {n % 100:02d} {n // 100 % 100:02d} 00 00" if rng.random() < 0.5 else "",
                ess_families_mask=references.mask_of(fam, references.ESS_FAMILIES),
                inclusion_kinds_mask=references.mask_of(kin, references.INCLUSION_KINDS),
                is_ressourcerie=rng.random() < 0.05,
                sectors_mask=top_mask,
                eligible_l2113_12=eligibility["l2113-12"],
                eligible_l2113_13=eligibility["l2113-13"],
                eligible_l2113_15=eligibility["l2113-15"],
                name_normalised=normalise(name.strip())[:400],
                search_name=index_document(name),
                search_body=index_document(
                    text, sector_words, " ".join(kin), " ".join(references.ESS_FAMILIES[f] for f in fam),
                    commune[1] if commune else "",
                ),
            )  # fmt: skip
            batch.append(structure)
            plans.append(acts)
        Structure.objects.bulk_create(batch, batch_size=1000)
        if batch[0].pk is None:  # backends that do not return ids
            ids = dict(
                Structure.objects.filter(
                    source="synthetic", source_id__in=[s.source_id for s in batch]
                ).values_list("source_id", "id")
            )
            for structure in batch:
                structure.pk = ids[structure.source_id]
        activities = [
            Activity(
                structure_id=s.pk,
                sector=sector,
                service_types=["prestation"],
                is_national=rng.random() < 0.02,
            )
            for s, acts in zip(batch, plans, strict=True)
            for sector in acts
        ]
        Activity.objects.bulk_create(activities, batch_size=2000)
        through = Activity.perimeters.through
        links = [
            through(activity_id=a.pk, perimeter_id=rng.choice(perimeters))
            for a in activities
            if perimeters and a.pk and not a.is_national
        ]
        through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
        backend.index([s.pk for s in batch])
        created += size
    log_action(actor=None, action="structure.synthetic_generated", data={"count": count, "seed": seed})
    return created

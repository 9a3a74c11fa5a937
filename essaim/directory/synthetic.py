"""Synthetic structures for load tests: realistic lengths, skewed (Zipf-like) word frequencies, dirty fields.

Fast path (about 10 k structures a second): words are analysed once (the vocabulary is small), so each
document's search terms are joined from cached terms instead of re-analysing the text; rows get explicit
ids and are written with raw bulk inserts (`bulk.py`: COPY on PostgreSQL); the SQLite full-text tables are
filled once for the whole batch. Derived columns are computed exactly as `services.structure_refresh_derived`
does (a test checks it). One audit entry for the whole run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from django.db import transaction

from essaim.core.audit import log_action
from essaim.territory.models import Commune, Perimeter, PerimeterCommune

from . import references
from .imports.raw import insert_rows, json_value, next_id, reset_sequence, timestamp
from .models import Activity, Sector, Structure
from .search import get_backend
from .search.analysis import index_document, normalise
from .search.columns import derived_search_columns
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
SERVICE_TYPES = [
    ["prestation"],
    ["fourniture"],
    ["prestation", "fourniture"],
    ["travaux"],
    ["mise-a-disposition"],
]
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _zipf_weights(n: int) -> list[float]:
    return list(accumulate(1 / (rank + 1) for rank in range(n)))


class _Vocabulary:
    """Cached analysis of everything a synthetic document is made of."""

    def __init__(self, words: list[str], sectors: list[Sector]) -> None:
        self.terms = {w: index_document(w) for w in [*words, *PREFIXES]}
        self.title = {w: w.title() for w in words}
        self.lower = {w: normalise(w) for w in [*words, *PREFIXES]}
        self.sector_terms = {
            s.pk: index_document(
                (s.parent or s).name, (s.parent or s).keywords, s.name if s.parent_id else ""
            )
            for s in sectors
        }
        self.kind_terms = {
            k: index_document(k, references.INCLUSION_KINDS[k]) for k in references.INCLUSION_KINDS
        }
        self.family_terms = {f: index_document(references.ESS_FAMILIES[f]) for f in references.ESS_FAMILIES}
        self.ressourcerie = index_document("ressourcerie réemploi")

    def join(self, words: list[str]) -> str:
        return " ".join(t for t in (self.terms[w] for w in words) if t)


@transaction.atomic
def generate_structures(
    count: int, *, seed: int = 42, batch_size: int = 20_000, advance: Callable[[int], None] | None = None
) -> int:
    """Write `count` synthetic published structures; `advance(n)` is told of each batch written (progress)."""
    rng = random.Random(seed)  # noqa: S311 - load data, not security
    words = WORDS[:]
    rng.shuffle(words)
    weights = _zipf_weights(len(words))
    communes = list(Commune.objects.values_list("code", "name"))
    commune_terms: dict[str, str] = {}  # analysed lazily: most runs touch a fraction of 35 k communes
    perimeters = list(Perimeter.objects.exclude(kind="commune").values_list("id", flat=True))
    perimeters += list(
        Perimeter.objects.filter(code__in=[c for c, _ in communes[:200]]).values_list("id", flat=True)
    )
    sectors = list(Sector.objects.select_related("parent"))
    slugs = {s.pk: (s.slug, (s.parent or s).slug) for s in sectors}
    located: dict[str, list[int]] = {}
    for commune_id, perimeter_id in PerimeterCommune.objects.values_list("commune_id", "perimeter_id"):
        located.setdefault(commune_id, []).append(perimeter_id)
    top_bit = {s.pk: 1 << TOP_LEVEL_SLUGS.index((s.parent or s).slug) for s in sectors}
    vocab = _Vocabulary(words, sectors)
    families, kinds = list(references.ESS_FAMILIES), list(references.INCLUSION_KINDS)
    start = Structure.objects.filter(source="synthetic").count()
    first_id, activity_id, link_id = (
        next_id(Structure),
        next_id(Activity),
        next_id(Activity.perimeters.through),
    )
    stamps = [timestamp(_EPOCH + timedelta(minutes=rng.randint(0, 1_000_000))) for _ in range(5000)]
    s_columns = [f.column for f in Structure._meta.concrete_fields]
    defaults: dict[str, Any] = {f.column: f.get_default() for f in Structure._meta.concrete_fields}
    defaults.update(
        provenance="{}", locked_groups="[]", status=Structure.Status.PUBLISHED, source="synthetic"
    )
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        rows, activities, links = [], [], []
        for i in range(size):
            n = start + created + i
            pk = first_id + created + i
            text = rng.choices(words, cum_weights=weights, k=rng.randint(12, 90))
            offers = rng.choices(words, cum_weights=weights, k=rng.randint(0, 20))
            prefix = rng.choice(PREFIXES)
            name_words = rng.choices(words, cum_weights=weights, k=rng.randint(1, 3))
            name = f"{prefix} {' '.join(vocab.title[w] for w in name_words)}"
            if rng.random() < 0.05:
                name = name.upper() + "  "  # dirty: shouting, trailing spaces
            commune = rng.choice(communes) if communes and rng.random() > 0.03 else None
            fam = rng.sample(families, k=1 if rng.random() < 0.9 else 2)
            kin = rng.sample(kinds, k=1) if rng.random() < 0.3 else []
            acts = rng.sample(sectors, k=rng.randint(1, 3))
            ressourcerie = rng.random() < 0.05
            eligibility = references.reservations_for(kin, fam)
            national = [rng.random() < 0.02 for _ in acts]
            body = [vocab.join(text), vocab.join(offers), *(vocab.sector_terms[s.pk] for s in acts)]
            body += [vocab.kind_terms[k] for k in kin] + [vocab.family_terms[f] for f in fam]
            if commune and commune[0] not in commune_terms:
                commune_terms[commune[0]] = index_document(commune[1])
            body += [vocab.ressourcerie if ressourcerie else "", commune_terms[commune[0]] if commune else ""]
            row = dict(defaults)
            row.update(
                id=pk, created_at=(stamp := rng.choice(stamps)), updated_at=stamp,
                name=name.strip()[:200], source_id=str(n), commune_id=commune[0] if commune else None,
                description=" ".join(text), offers=" ".join(offers),
                email=f"contact{n}@exemple.org" if rng.random() < 0.7 else "",
                phone=f"01 {n % 100:02d} {n // 100 % 100:02d} 00 00" if rng.random() < 0.5 else "",
                ess_families_mask=references.mask_of(fam, references.ESS_FAMILIES),
                inclusion_kinds_mask=references.mask_of(kin, references.INCLUSION_KINDS),
                is_ressourcerie=ressourcerie, sectors_mask=sum({top_bit[s.pk] for s in acts}),
                eligible_l2113_12=eligibility["l2113-12"], eligible_l2113_13=eligibility["l2113-13"],
                eligible_l2113_15=eligibility["l2113-15"],
                name_normalised=" ".join([vocab.lower[prefix], *(vocab.lower[w] for w in name_words)])[:400],
                search_name=vocab.join([prefix, *name_words]),
                search_body=" ".join(part for part in body if part),
            )  # fmt: skip
            works = []
            for sector, is_national in zip(acts, national, strict=True):
                services = json_value(rng.choice(SERVICE_TYPES))
                activities.append((activity_id, pk, sector.pk, services, "", is_national))
                if perimeters and not is_national:
                    works.append(rng.choice(perimeters))
                    links.append((link_id, activity_id, works[-1]))
                    link_id += 1
                activity_id += 1
            context = {
                "located_perimeters": located.get(commune[0], ()) if commune else (),
                "sector_slugs": [slug for s in acts for slug in slugs[s.pk]],
                "works_nationally": any(national),
                "works_perimeters": works,
            }
            row.update(derived_search_columns(row, **context))
            rows.append(tuple(row[c] for c in s_columns))
        insert_rows(Structure._meta.db_table, s_columns, rows)
        insert_rows(
            Activity._meta.db_table,
            ["id", "structure_id", "sector_id", "service_types", "description", "is_national"],
            activities,
        )
        insert_rows(Activity.perimeters.through._meta.db_table, ["id", "activity_id", "perimeter_id"], links)
        created += size
        if advance is not None:
            advance(size)
    reset_sequence(Structure, Activity, Activity.perimeters.through)
    get_backend().index_range(first_id, first_id + count - 1)
    log_action(actor=None, action="structure.synthetic_generated", data={"count": count, "seed": seed})
    return created

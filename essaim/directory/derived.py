"""Derived columns of a structure (masks, eligibility, search documents and tags), computed without queries.

`services.structure_refresh_derived` (one structure, from the database) and the bulk import (many unsaved
structures, from caches) both call `derived_columns`, so they write exactly the same values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import references
from .models import Sector, Structure
from .search.analysis import index_document, normalise
from .search.columns import search_tags
from .sector_mappings import TOP_LEVEL_SLUGS

DERIVED_FIELDS = (
    "sectors_mask", "eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15", "legal_form_label",
    "name_normalised", "search_name", "search_body", "search_tags",
)  # fmt: skip


@lru_cache(maxsize=50_000)
def _part(text: str) -> str:
    return index_document(text)


def _document(*parts: str) -> str:
    """`index_document(*parts)`, with each part's analysis cached: sector words, family labels and
    commune names repeat across structures (a bulk import analyses each of them once)."""
    analysed = (_part(p) if len(p) <= 300 else index_document(p) for p in parts if p)  # long texts: uncached
    return " ".join(terms for terms in analysed if terms)


@dataclass(frozen=True)
class ActivityFacts:
    """What the derived columns need of an activity: its sector (parent loaded) and where it works."""

    sector: Sector
    description: str = ""
    is_national: bool = False
    perimeter_ids: tuple[int, ...] = ()


def derived_columns(
    structure: Structure,
    activities: Sequence[ActivityFacts],
    located_perimeters: Iterable[int],
    commune_name: str = "",
) -> dict[str, Any]:
    sectors_mask = 0
    sector_words = []
    for activity in activities:
        top = activity.sector.parent or activity.sector
        sectors_mask |= 1 << TOP_LEVEL_SLUGS.index(top.slug)
        sector_words += [top.name, top.keywords]
        if activity.sector.parent_id:
            sector_words.append(activity.sector.name)
        sector_words.append(activity.description)
    families, kinds = structure.ess_families, structure.inclusion_kinds
    eligibility = references.reservations_for(kinds, families)
    return {
        "sectors_mask": sectors_mask,
        "eligible_l2113_12": eligibility["l2113-12"],
        "eligible_l2113_13": eligibility["l2113-13"],
        "eligible_l2113_15": eligibility["l2113-15"],
        "legal_form_label": references.legal_form_label(structure.legal_form_code),
        "name_normalised": normalise(structure.name)[:400],
        "search_name": index_document(structure.name, structure.brand),
        "search_body": _document(
            structure.description,
            structure.offers,
            structure.labels,
            " ".join(sector_words),
            " ".join(kinds + [references.INCLUSION_KINDS[k] for k in kinds]),
            " ".join(references.ESS_FAMILIES[f] for f in families),
            "ressourcerie réemploi" if structure.is_ressourcerie else "",
            commune_name,
        ),
        "search_tags": search_tags(
            status=structure.status,
            families=families,
            kinds=kinds,
            reservations=[code for code, flag in eligibility.items() if flag],
            ressourcerie=structure.is_ressourcerie,
            commune_code=structure.commune_id,
            located_perimeters=located_perimeters if structure.commune_id else [],
            sector_slugs=[
                slug for a in activities for slug in (a.sector.slug, (a.sector.parent or a.sector).slug)
            ],
            works_nationally=any(a.is_national for a in activities),
            works_perimeters=[pk for a in activities for pk in a.perimeter_ids],
        ),
    }

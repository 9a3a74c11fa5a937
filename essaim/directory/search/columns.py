"""Filter tags: every search filter denormalised as index words, so filters are answered by the text index.

A structure's `search_tags` lists words such as `zstatuspublished`, `zsalimentation` (a sector of one of
its activities, either level), `zfassociation`, `zkea`, `zrl211312`, `zressourcerie`, `zc93079` (its
commune), `zl<perimeter id>` (each perimeter that contains its commune), `zw<perimeter id>` (each perimeter
an activity works in) and `zwnational`. Both backends index them (SQLite: third FTS5 column, weight 0 in
bm25; PostgreSQL: weight C in the tsvector, ignored by the rank), and a filter becomes a boolean
expression over them: OR within a facet, AND across facets (`filter_clauses`). Words made by `analysis`
never start with `z` followed by these prefixes and a code, and tags are never analysed.

`search_tags` is recomputed with the other derived columns (`services.structure_refresh_derived`), also
when the status changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from essaim.directory import references

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
NATIONAL_TAG = "zwnational"
LOCATED_TAG = "zlocated"  # any commune at all (`located_in=national`)


def tag(prefix: str, value: object) -> str:
    return "z" + prefix + _NOT_ALNUM.sub("", str(value).lower())


def search_tags(
    *,
    status: str,
    families: Iterable[str],
    kinds: Iterable[str],
    reservations: Iterable[str],
    ressourcerie: bool,
    commune_code: str | None,
    located_perimeters: Iterable[int],
    sector_slugs: Iterable[str],
    works_nationally: bool,
    works_perimeters: Iterable[int],
) -> str:
    tags = [tag("status", status)]
    tags += sorted({tag("s", slug) for slug in sector_slugs})
    tags += [tag("f", code) for code in families] + [tag("k", code) for code in kinds]
    tags += [tag("r", code) for code in reservations]
    if ressourcerie:
        tags.append("zressourcerie")
    if commune_code:
        tags += [LOCATED_TAG, tag("c", commune_code)]
        tags += [tag("l", pk) for pk in sorted(set(located_perimeters))]
    if works_nationally:
        tags.append(NATIONAL_TAG)
    tags += [tag("w", pk) for pk in sorted(set(works_perimeters))]
    return " ".join(tags)


def derived_search_columns(row: dict[str, Any], **context: Any) -> dict[str, Any]:
    """`search_tags` of a raw structure row (bulk writers); `context` gives what the row cannot."""
    reservations = [code for code in references.RESERVATIONS if row[f"eligible_{code.replace('-', '_')}"]]
    return {
        "search_tags": search_tags(
            status=row["status"],
            families=references.codes_of(row["ess_families_mask"], references.ESS_FAMILIES),
            kinds=references.codes_of(row["inclusion_kinds_mask"], references.INCLUSION_KINDS),
            reservations=reservations,
            ressourcerie=row["is_ressourcerie"],
            commune_code=row["commune_id"],
            **context,
        )
    }

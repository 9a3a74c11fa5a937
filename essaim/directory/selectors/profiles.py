"""Reads of the directory: a structure's profile, the sector tree, possible duplicates."""

from __future__ import annotations

from essaim.directory.models import Sector, Structure
from essaim.directory.search.analysis import trigram_similarity


def structure_profile(pk: int) -> Structure:
    return (
        Structure.objects.select_related("commune", "organisation")
        .prefetch_related(
            "activities__perimeters",
            "activities__sector__parent",
        )
        .get(pk=pk)
    )


def sectors_tree() -> list[Sector]:
    return list(Sector.objects.filter(parent__isnull=True).prefetch_related("children"))


def possible_duplicates(
    *, threshold: float = 0.6, limit: int = 200
) -> list[tuple[Structure, Structure, str]]:
    """Pairs that look like the same structure: same SIREN, or similar names in the same commune."""
    pairs: list[tuple[Structure, Structure, str]] = []
    rows = list(
        Structure.objects.exclude(status=Structure.Status.DELISTED)
        .select_related("commune")
        .order_by("commune_id", "name_normalised")
    )
    by_siren: dict[str, Structure] = {}
    by_commune: dict[str | None, list[Structure]] = {}
    for structure in rows:
        if structure.siren:
            other = by_siren.get(structure.siren)
            if other is not None:
                pairs.append((other, structure, "même SIREN"))
            by_siren.setdefault(structure.siren, structure)
        if structure.commune_id:
            by_commune.setdefault(structure.commune_id, []).append(structure)
    for group in by_commune.values():
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                if left.siren and left.siren == right.siren:
                    continue
                if trigram_similarity(left.name_normalised, right.name_normalised) >= threshold:
                    pairs.append((left, right, "nom proche, même commune"))
                if len(pairs) >= limit:
                    return pairs
    return pairs

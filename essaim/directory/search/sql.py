"""Pieces shared by the two directory search backends (`sqlite`, `postgres`): the facet
columns, sort orders, fuzzy-name thresholds and the matching pre-score. See `backends`."""

from __future__ import annotations

from collections.abc import Sequence

from .partial import Slot, at_least

FUZZY_THRESHOLD = 0.3
FUZZY_CANDIDATES = 2000
WORD_CANDIDATES = 30  # index words close to a misspelt word (trigrams) that `partial.corrections` examines
# Query terms for an index expression: a word, or a tuple of words any of which will do (a corrected word).
Terms = Sequence[str | tuple[str, ...]]
FACET_COLUMNS = (
    "s.sectors_mask, s.ess_families_mask, s.inclusion_kinds_mask, "
    "s.eligible_l2113_12, s.eligible_l2113_13, s.eligible_l2113_15"
)
SORTED = {"name": "s.name_normalised, s.id", "updated": "s.updated_at DESC, s.id DESC"}
TIE_MARGIN = 50  # extra top rows fetched so that ties on the score are broken by name like the full order

# Sort keys -> SQL order on the joined structure table `s` (SQLite raw query) and ORM ordering.
ORDERINGS = {
    "relevance": ("score DESC, s.name_normalised, s.id", ("-score", "name_normalised", "id")),
    "name": ("s.name_normalised, s.id", ("name_normalised", "id")),
    "updated": ("s.updated_at DESC, s.id DESC", ("-updated_at", "-id")),
}


def words_of(terms: Terms) -> list[str]:
    """Every word of the terms, once, in order."""
    return list(dict.fromkeys(w for t in terms for w in ((t,) if isinstance(t, str) else t)))


def level_text(slots: Sequence[Slot], k: int, *, and_: str, or_: str, but_not: str, quote: str = "") -> str:
    """The text expression of the structures matching exactly `k` of the slots (`partial.at_least`): an OR
    of ANDs of the slots' words, less those matching `k + 1` slots. `but_not` joins the two ("{} & !{}").
    `k` = 0: at least one slot (every partial match)."""

    def slot(s: Slot) -> str:
        words = [f"{quote}{w}{quote}" for w in s.words]
        return words[0] if len(words) == 1 else "(" + or_.join(words) + ")"

    def least(n: int) -> str:
        return (
            "("
            + or_.join("(" + and_.join(slot(s) for s in combo) + ")" for combo in at_least(slots, n))
            + ")"
        )

    if k <= 0:
        return least(1)
    k = min(k, len(slots))
    text = least(k)
    return but_not.format(text, least(k + 1)) if k < len(slots) else text


# Pre-score of matching candidates (`sourcing.match_input`): 35 × sector + 20 × place + 25 × text, from tags.
PRESCORE_WEIGHTS = (35.0, 20.0, 25.0)
SectorTags = Sequence[tuple[Sequence[str], Sequence[str]]]  # per need sector: (exact fit, top level only)
PlaceTags = Sequence[tuple[float, Sequence[str]]]  # (value, tags), best first


def prescore(
    tags: set[str], body: set[str], sectors: SectorTags, places: PlaceTags, terms: dict[str, float]
) -> float:
    """The pre-score of one structure from its tags and body words (what the PostgreSQL query computes)."""
    fits = [
        1.0 if tags.intersection(exact) else 0.5 if tags.intersection(top) else 0.0 for exact, top in sectors
    ]
    sector = 0.7 * max(fits) + 0.3 * sum(fits) / len(fits) if fits else 0.0
    place = next((value for value, group in places if tags.intersection(group)), 0.0)
    total = sum(terms.values())
    text = sum(w for t, w in terms.items() if t in body) / total if total else 0.0
    return PRESCORE_WEIGHTS[0] * sector + PRESCORE_WEIGHTS[1] * place + PRESCORE_WEIGHTS[2] * text


def eligible_sql(columns: Sequence[str]) -> str:
    allowed = {"eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15"}
    if not columns:
        return ""
    if not set(columns) <= allowed:
        raise ValueError(f"Unknown eligibility columns: {columns}")
    return " AND (" + " OR ".join(f"s.{c}" for c in columns) + ")"

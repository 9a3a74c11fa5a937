"""Statistical secrecy of counts of people: a count under 5 is shown as « < 5 », and never computable back.

Pure (no Django), typed, property-tested (tests/clauses/test_secrecy.py).

`protect(counts)` masks a breakdown of people (by category, sex, age band, …). Every breakdown is assumed to
add up to a total the reader knows (the number of participants is published even under 5: it is one figure
for the whole), so masking the small cells alone is not enough:

1. **Primary masking**: every count under `THRESHOLD` (5), zero included, becomes `MASK` (« < 5 »).
2. **Complementary masking**: the reader knows `hidden sum = total − shown cells`. A hidden count could be
   worked out when only one cell is hidden and the hidden sum is not zero (it is that sum), or when every
   hidden cell is under 5 and the hidden sum is 4 × their number (each is then 4). In those cases the
   smallest shown cell is masked too (ties: the first in the breakdown's order), and so on until no hidden
   count can be worked out. A cell masked this way may hold 5 or more: « < 5 » then reads « masqué pour
   protéger un effectif de moins de 5 », as the pages and docs say.

A hidden sum of zero reveals only that nobody is in the hidden cells, which discloses nobody: it is allowed
(a breakdown where everybody is in one shown category stays readable).
"""

from __future__ import annotations

from collections.abc import Mapping

THRESHOLD = 5
MASK = "< 5"

Masked = int | str


def _exposed(counts: Mapping[str, int], hidden: set[str], total: int) -> bool:
    """Whether a reader who knows the shown cells and the total can work out a hidden count."""
    if not hidden:
        return False
    hidden_sum = total - sum(value for key, value in counts.items() if key not in hidden)
    if len(hidden) == 1:
        return hidden_sum > 0
    all_primary = all(counts[key] < THRESHOLD for key in hidden)
    return all_primary and hidden_sum == (THRESHOLD - 1) * len(hidden)


def hidden_keys(counts: Mapping[str, int]) -> set[str]:
    """The cells of `counts` to mask (primary and complementary), for a total equal to their sum."""
    if any(value < 0 for value in counts.values()):
        raise ValueError("A count of people cannot be negative.")
    total = sum(counts.values())
    hidden = {key for key, value in counts.items() if value < THRESHOLD}
    order = list(counts)
    while _exposed(counts, hidden, total) and len(hidden) < len(counts):
        shown = [key for key in order if key not in hidden]
        smallest = min(shown, key=lambda key: (counts[key], order.index(key)))
        hidden.add(smallest)
    return hidden


def protect(counts: Mapping[str, int]) -> dict[str, Masked]:
    """`counts` with the cells to hide replaced by « < 5 », in the same order."""
    hidden = hidden_keys(counts)
    return {key: MASK if key in hidden else value for key, value in counts.items()}


def protect_count(count: int) -> Masked:
    """One count of people shown on its own (not part of a published total)."""
    return MASK if count < THRESHOLD else count

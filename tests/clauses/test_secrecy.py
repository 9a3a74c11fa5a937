"""Statistical secrecy: a count of people under 5 is shown as « < 5 » and can never be worked out from the
published figures (the shown cells and the total, which is always published)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.clauses.secrecy import MASK, protect, protect_count

small_or_large = st.one_of(st.integers(0, 6), st.integers(0, 40))
breakdowns = st.lists(small_or_large, min_size=2, max_size=6).map(
    lambda values: {f"c{index}": value for index, value in enumerate(values)}
)


def disclosed(counts: dict[str, int], shown: dict[str, int | str], *, bound: int | None) -> list[str]:
    """Hidden cells a reader can pin to their true non-zero value, knowing the shown cells and the total,
    and assuming each hidden value lies in [0, bound] (None: any non-negative integer)."""
    hidden = [key for key, value in shown.items() if value == MASK]
    rest = sum(counts.values()) - sum(value for value in shown.values() if value != MASK)
    top = rest if bound is None else min(bound, rest)
    feasible = [
        combo for combo in itertools.product(range(top + 1), repeat=len(hidden)) if sum(combo) == rest
    ]
    found = []
    for index, key in enumerate(hidden):
        values = {combo[index] for combo in feasible}
        if len(values) == 1 and values == {counts[key]} and counts[key] > 0:
            found.append(key)
    return found


@settings(max_examples=300, deadline=None)
@given(breakdowns)
def test_small_counts_are_masked_and_shown_counts_are_true(counts: dict[str, int]) -> None:
    shown = protect(counts)
    assert list(shown) == list(counts)
    for key, value in counts.items():
        if value < 5:
            assert shown[key] == MASK
        else:
            assert shown[key] in (value, MASK)


@settings(max_examples=300, deadline=None)
@given(breakdowns)
def test_no_hidden_count_can_be_worked_out_from_the_total(counts: dict[str, int]) -> None:
    shown = protect(counts)
    if all(value == MASK for value in shown.values()):
        return  # everything is hidden: only the total is known, which is published on purpose
    assert disclosed(counts, shown, bound=None) == []
    assert disclosed(counts, shown, bound=4) == []


@settings(max_examples=200, deadline=None)
@given(breakdowns)
def test_complementary_masking_hides_as_little_as_possible(counts: dict[str, int]) -> None:
    """At most one cell of 5 or more is hidden, and only when a single small cell would be exposed."""
    shown = protect(counts)
    extra = [key for key, value in counts.items() if value >= 5 and shown[key] == MASK]
    assert len(extra) <= 1


def test_examples() -> None:
    assert protect({"rsa": 6, "deld": 0, "rqth": 0}) == {"rsa": 6, "deld": MASK, "rqth": MASK}
    # 12 people, 11 shown: the one hidden person would be obvious; the smallest shown cell is hidden too
    assert protect({"a": 6, "b": 5, "c": 1}) == {"a": 6, "b": MASK, "c": MASK}
    # two cells of 4 and a shown total of 20: each would be 4; one more cell is hidden
    assert protect({"a": 12, "b": 4, "c": 4}) == {"a": MASK, "b": MASK, "c": MASK}
    assert protect({"a": 12, "b": 3, "c": 4}) == {"a": 12, "b": MASK, "c": MASK}
    assert protect_count(4) == MASK and protect_count(5) == 5

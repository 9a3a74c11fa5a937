"""A search that never dead-ends: the plan of a query and the ranking by number of words matched. Pure:
imports no Django; both backends (`sqlite`, `postgres`) and the selector share it.

A query is planned word by word (`plan_query`), from what the index holds:
- a word some structure holds is kept as is;
- a word no structure holds is *corrected* to the index words one typing error away from it (`corrections`:
  one letter missing, extra, wrong or two letters swapped, two errors for long words, or a known word that
  is the start of it: "ressourcrie" → `ressourc`), found among the words of the `SearchWord` table close to
  it by trigrams;
- otherwise it is *absent*: no structure can match it, so it cannot be required.

Every remaining word (a `Slot`: the word or its corrections) must match. When no structure matches every
slot, the structures matching the most slots come first: level `k` holds the structures matching exactly
`k` slots, levels are listed from the most words matched down (`levels`), the usual relevance orders a
level, and `tiered_page` cuts one page across levels. A structure matching all words therefore always
ranks above one matching fewer. Each level is one boolean index expression (`at_least` combinations), so
the index does the work and the existing bounds on counts and ranking apply level by level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypeVar

MAX_SLOTS = 6  # words used to rank partial matches (the rarest ones when a query has more)
MAX_CORRECTIONS = 3  # index words a misspelt word may stand for
MIN_CORRECTED_LENGTH = 3  # shorter words are never corrected (too many neighbours)
PREFIX_MIN_LENGTH = 5  # a known word this long that starts the typed word may stand for it…
PREFIX_MAX_EXTRA = 3  # …when the typed word has at most this many letters more

T = TypeVar("T")


@dataclass(frozen=True)
class Slot:
    """One query word: the index words that count as it (itself, or its corrections)."""

    term: str
    words: tuple[str, ...]
    documents: int = 0  # structures holding one of `words` (from the word table, approximate)

    @property
    def corrected(self) -> bool:
        return self.words != (self.term,)


@dataclass(frozen=True)
class QueryPlan:
    slots: tuple[Slot, ...] = ()
    absent: tuple[str, ...] = ()  # query terms no structure holds, with no close index word
    ranked: tuple[Slot, ...] = field(default=())  # the slots that rank partial matches (at most MAX_SLOTS)

    @property
    def corrected(self) -> tuple[str, ...]:
        return tuple(s.term for s in self.slots if s.corrected)

    @property
    def words(self) -> list[str]:
        """Every index word of the plan (what relevance is computed on)."""
        return list(dict.fromkeys(w for s in self.slots for w in s.words))

    @property
    def top_level(self) -> int:
        """Most ranked slots a structure could match in a partial search. Without absent words the partial
        search only runs once the search for every slot found nothing, so one fewer than the ranked slots
        (unless those are a subset of the query's slots); with absent words, every ranked slot."""
        if self.absent or len(self.ranked) < len(self.slots):
            return len(self.ranked)
        return len(self.ranked) - 1


def edit_distance(left: str, right: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of two adjacent
    letters each cost 1 (what a typing error does). Written out because it is the only string distance
    the project needs and 15 lines do not justify a dependency."""
    if left == right:
        return 0
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, b in enumerate(right, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def typo_distance(typed: str, known: str) -> int | None:
    """How many typing errors separate a typed index word from a known one, None when too far to be a typo.

    The first letter must be right (or swapped with the second). One error is allowed, two when both
    words have at least 8 letters. One word starting the other, at
    least PREFIX_MIN_LENGTH letters long and shorter by at most PREFIX_MAX_EXTRA letters, counts as one
    error: the stemmer strips the ending of a misspelt word differently ("maroquinnerie" gives
    `maroquinn` where "maroquinerie" gives `maroquin`; "blanchiserie" gives `blanch`, not `blanchiss`).
    """
    if len(typed) < MIN_CORRECTED_LENGTH or typed == known:
        return None
    if typed[0] != known[0] and typed[:2] != known[1::-1]:
        return None  # people seldom mistype the first letter: "parquet" is no typo of "marquet"
    short, long_ = sorted((typed, known), key=len)
    if (
        len(short) >= PREFIX_MIN_LENGTH
        and long_.startswith(short)
        and len(long_) - len(short) <= PREFIX_MAX_EXTRA
    ):
        return 1
    if abs(len(typed) - len(known)) > 2:
        return None
    distance = edit_distance(typed, known)
    allowed = 2 if min(len(typed), len(known)) >= 8 else 1
    return distance if distance <= allowed else None


def corrections(typed: str, candidates: Iterable[tuple[str, int]]) -> tuple[tuple[str, ...], int]:
    """The known words (from `candidates`: (word, documents)) a misspelt word stands for: those at the
    smallest typo distance, most frequent first, at most MAX_CORRECTIONS; and their documents."""
    scored = [(d, -docs, word) for word, docs in candidates if (d := typo_distance(typed, word)) is not None]
    if not scored:
        return (), 0
    best = min(d for d, _docs, _word in scored)
    kept = sorted(s for s in scored if s[0] == best)[:MAX_CORRECTIONS]
    return tuple(word for _d, _docs, word in kept), sum(-docs for _d, docs, _word in kept)


def plan_query(
    terms: Sequence[str],
    known: Mapping[str, int],
    candidates: Mapping[str, Sequence[tuple[str, int]]] | None = None,
) -> QueryPlan:
    """The plan of a query's terms. `known` maps the terms some published structure holds to their
    (approximate) number of documents; `candidates` gives, for the other terms, index words close to them
    (trigrams) as (word, documents)."""
    slots: list[Slot] = []
    absent: list[str] = []
    for term in dict.fromkeys(terms):
        if term in known:
            slots.append(Slot(term, (term,), known[term]))
            continue
        words, documents = corrections(term, (candidates or {}).get(term, ()))
        if words:
            slots.append(Slot(term, words, documents))
        else:
            absent.append(term)
    ranked = slots
    if len(slots) > MAX_SLOTS:  # the rarest words say most about what is sought (and keep levels small)
        rarest = sorted(range(len(slots)), key=lambda i: (slots[i].documents, i))[:MAX_SLOTS]
        ranked = [slots[i] for i in sorted(rarest)]
    return QueryPlan(slots=tuple(slots), absent=tuple(absent), ranked=tuple(ranked))


def at_least(slots: Sequence[Slot], k: int) -> list[tuple[Slot, ...]]:
    """The combinations of `k` slots: a structure matches at least `k` slots when it matches every slot of
    one of them (an OR of ANDs the index evaluates in one pass)."""
    if k <= 0 or k > len(slots):
        return []
    return list(combinations(slots, k))


def levels(plan: QueryPlan) -> list[int]:
    """Numbers of words matched to list, best first (down to one word)."""
    return list(range(plan.top_level, 0, -1))


def words_matched(slots: Sequence[Slot], document: Iterable[str]) -> int:
    """How many slots a document (its index words) matches."""
    held = set(document)
    return sum(1 for slot in slots if held.intersection(slot.words))


def tiered_page(
    level_numbers: Sequence[int],
    count: Callable[[int], int],
    fetch: Callable[[int, int, int], list[T]],
    offset: int,
    limit: int,
) -> list[tuple[int, T]]:
    """One page of results across levels, best level first: `count(level)` says how many structures match
    exactly that many words, `fetch(level, offset, limit)` returns that level's rows in relevance order.
    Levels are counted only until the page is full. Returns (level, row) pairs."""
    page: list[tuple[int, T]] = []
    for level in level_numbers:
        if len(page) >= limit:
            break
        size = count(level)
        if offset >= size:
            offset -= size
            continue
        rows = fetch(level, offset, min(limit - len(page), size - offset))
        page += [(level, row) for row in rows]
        offset = 0
    return page

"""The search's shared logic for queries no structure fully matches (pure, no database): corrections of
misspelt words, the plan of a query, levels of words matched and pages cut across them. The backends
(SQLite and PostgreSQL) only evaluate the expressions this logic builds; test_selectors.py and
test_relevance.py run the same behaviour on the configured database."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.directory.search.partial import (
    MAX_SLOTS,
    QueryPlan,
    Slot,
    at_least,
    corrections,
    edit_distance,
    levels,
    plan_query,
    tiered_page,
    typo_distance,
    words_matched,
)

WORDS = st.text(alphabet="abcdefgh", min_size=1, max_size=8)


def test_typing_errors_are_one_edit_away_and_first_letters_are_kept():
    assert typo_distance("ressourcr", "ressourc") == 1  # "ressourcrie"
    assert typo_distance("jouest", "jouet") == 1
    assert typo_distance("tratieur", "traiteur") == 1  # two letters swapped
    assert typo_distance("maroquinn", "maroquin") == 1  # the stemmer left a misspelt ending
    assert typo_distance("blanch", "blanchiss") == 1  # "blanchiserie": the stemmer cut more
    assert typo_distance("blanchiser", "blanchiss") == 2  # long words: two errors
    assert typo_distance("vegetarien", "vegetal") is None  # another word, not a typo
    assert typo_distance("parquet", "marquet") is None  # first letters differ
    assert typo_distance("ea", "ei") is None  # too short to correct


def test_corrections_keep_the_closest_words_most_frequent_first():
    candidates = [("compost", 40), ("compostag", 90), ("composteur", 10), ("compagn", 500)]
    assert corrections("compostga", candidates) == (("compostag", "compost"), 130)
    assert corrections("zzz", candidates) == ((), 0)


@given(WORDS, WORDS)
def test_edit_distance_is_a_symmetric_count_of_edits(left, right):
    distance = edit_distance(left, right)
    assert distance == edit_distance(right, left)
    assert (distance == 0) == (left == right)
    assert abs(len(left) - len(right)) <= distance <= max(len(left), len(right))


@given(WORDS, st.integers(0, 7), st.sampled_from("abcdefghz"))
def test_one_typing_error_is_distance_one(word, position, letter):
    i = position % len(word)
    assert edit_distance(word, word[:i] + word[i + 1 :]) <= 1  # a letter dropped
    assert edit_distance(word, word[:i] + letter + word[i:]) == 1  # a letter added
    if i + 1 < len(word) and word[i] != word[i + 1]:
        assert edit_distance(word, word[:i] + word[i + 1] + word[i] + word[i + 2 :]) == 1  # swapped


def test_the_plan_keeps_known_words_corrects_misspelt_ones_and_names_absent_ones():
    plan = plan_query(
        ["locat", "costum", "ressourcr"],
        known={"locat": 12},
        candidates={"ressourcr": [("ressourc", 40)], "costum": [("coutur", 8)]},
    )
    assert [s.words for s in plan.slots] == [("locat",), ("ressourc",)]
    assert plan.corrected == ("ressourcr",) and plan.absent == ("costum",)
    assert plan.top_level == 2  # with an absent word, every known one may still match together


def test_long_queries_rank_on_their_rarest_words():
    terms = [f"w{i}" for i in range(MAX_SLOTS + 3)]
    plan = plan_query(terms, known={t: 100 - i for i, t in enumerate(terms)})
    assert len(plan.slots) == MAX_SLOTS + 3 and len(plan.ranked) == MAX_SLOTS
    assert [s.term for s in plan.ranked] == terms[3:]  # typed order kept among the rarest
    assert plan.top_level == MAX_SLOTS and levels(plan)[0] == MAX_SLOTS


def test_at_least_lists_combinations():
    slots = [Slot(w, (w,)) for w in "abc"]
    assert [tuple(s.term for s in c) for c in at_least(slots, 2)] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert at_least(slots, 0) == [] and at_least(slots, 4) == []


# --- The whole ranking on documents held in memory, with the pieces the selector uses ----------------------

DOCS = st.lists(st.sets(st.sampled_from("abcdef"), max_size=4), min_size=1, max_size=25)
QUERY = st.lists(st.sampled_from("abcdefxy"), min_size=1, max_size=5, unique=True)


def reference_search(docs: list[set[str]], query: list[str], page_size: int) -> tuple[str, list[list[int]]]:
    """What the selector does, on documents in memory: every word first, else levels of words matched
    (pages of `page_size`, relevance = fewer words in the document first, then position)."""
    vocabulary = set().union(*docs)
    plan = plan_query(query, known={t: 1 for t in query if t in vocabulary})
    if not plan.slots:
        return "none", []
    score = {i: (-len(d), i) for i, d in enumerate(docs)}
    every = [i for i, d in enumerate(docs) if words_matched(plan.slots, d) == len(plan.slots)]
    if every and not plan.absent:
        ordered = sorted(every, key=score.__getitem__)
        return "all", [ordered[i : i + page_size] for i in range(0, len(ordered), page_size)]

    def members(level: int) -> list[int]:
        return sorted(
            (i for i, d in enumerate(docs) if words_matched(plan.ranked, d) == level), key=score.__getitem__
        )

    pages = []
    offset = 0
    while True:
        page = tiered_page(
            levels(plan),
            lambda k: len(members(k)),
            lambda k, start, limit: members(k)[start : start + limit],
            offset,
            page_size,
        )
        if not page:
            return "partial", pages
        pages.append([i for _level, i in page])
        offset += page_size


@settings(max_examples=200)
@given(DOCS, QUERY, st.integers(1, 4))
def test_a_structure_matching_every_word_always_ranks_above_one_matching_fewer(docs, query, page_size):
    mode, pages = reference_search(docs, query, page_size)
    listed = [i for page in pages for i in page]
    assert len(listed) == len(set(listed))  # pages neither repeat nor skip
    known = [t for t in query if any(t in d for d in docs)]
    if not known:
        assert mode == "none"
        return
    slots = [Slot(t, (t,)) for t in known]
    matched = [words_matched(slots, docs[i]) for i in listed]
    assert matched == sorted(matched, reverse=True)  # more words matched first, across pages
    best = max(words_matched(slots, d) for d in docs)
    if best:
        assert matched[0] == best
    if mode == "partial":  # every structure holding at least one word is listed
        assert set(listed) == {i for i, d in enumerate(docs) if words_matched(slots, d)}
    assert all(len(page) <= page_size for page in pages)


def test_an_empty_plan_has_no_levels():
    assert levels(QueryPlan()) == []

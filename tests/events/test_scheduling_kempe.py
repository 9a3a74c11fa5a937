"""The Kempe-chain local search of the scheduler's second phase, without Django."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.events.scheduling import (
    Instance,
    assign_tables,
    generate_tight_instance,
    greedy_schedule,
    pair_key,
    parse_instance,
    validate_schedule,
    weight_of,
)
from essaim.events.scheduling.kempe import KempeSearch
from essaim.events.scheduling.model import Pair, candidate_pairs, greedy_assignment
from tests.events.scheduling_support import idle_by_occupancy, small_instances

NO_DEADLINE = float("inf")


def start(instance: Instance, placed: list[tuple[str, str, int]]) -> tuple[list[Pair], dict[int, int]]:
    """The candidate pairs and an assignment (pair index → slot) holding exactly `placed`."""
    pairs = candidate_pairs(instance)
    index = {pair_key(p.a, p.b): i for i, p in enumerate(pairs)}
    return pairs, {index[pair_key(a, b)]: slot for a, b, slot in placed}


def meetings(instance: Instance, pairs: list[Pair], assignment: dict[int, int]):
    return assign_tables(instance, [(pairs[i].a, pairs[i].b, slot) for i, slot in assignment.items()])


# A meets X in 0 and Z in 2: a gap in 1. X is busy in 1 with Y, Y in 0 with W, W is free in 1.
CHAIN = [("A", "X", 0), ("X", "Y", 1), ("Y", "W", 0), ("A", "Z", 2)]


def chain_instance(locked: list[dict] | None = None, previous: list[dict] | None = None) -> Instance:
    return parse_instance(
        {
            "slots": 3,
            "tables": 5,
            "participants": [{"id": q} for q in "AXYWZ"],
            "requests": [{"a": a, "b": b} for a, b, _ in CHAIN],
            "locked": locked or [],
            "previous": previous or [],
        }
    )


def test_a_gap_travels_to_the_end_of_the_session_along_a_chain() -> None:
    # No single meeting can move to 1; exchanging 0 and 1 along A–X, X–Y, Y–W closes A's gap and
    # leaves W (who only meets Y) and everybody else without a gap.
    instance = chain_instance()
    pairs, assignment = start(instance, CHAIN)
    assert idle_by_occupancy(instance, meetings(instance, pairs, assignment)) == 1
    search = KempeSearch(instance, pairs, assignment, {}, seed=0)
    result = search.run(NO_DEADLINE, max_tries=2000)
    after = meetings(instance, pairs, result)
    assert validate_schedule(instance, after) == []
    assert len(after) == 4
    assert idle_by_occupancy(instance, after) == 0
    assert search.best == (0, 0) and search.improved


def test_an_unmet_request_takes_the_place_of_one_of_the_same_weight_to_close_a_gap() -> None:
    # One table. A meets X in 0 and Y in 2; B–C holds the only table in 1, where Z is the only one A
    # could meet. Giving slot 1 to A–Z instead of B–C keeps the weight (3) and removes A's gap.
    instance = parse_instance(
        {
            "slots": 3,
            "tables": 1,
            "participants": [
                {"id": "A", "available": [1, 1, 1]},
                {"id": "X", "available": [1, 0, 0]},
                {"id": "Y", "available": [0, 0, 1]},
                {"id": "Z", "available": [0, 1, 0]},
                {"id": "B", "available": [0, 1, 0]},
                {"id": "C", "available": [0, 1, 0]},
            ],
            "requests": [{"a": "A", "b": q} for q in "XYZ"] + [{"a": "B", "b": "C"}],
        }
    )
    pairs, assignment = start(instance, [("A", "X", 0), ("B", "C", 1), ("A", "Y", 2)])
    search = KempeSearch(instance, pairs, assignment, {}, seed=0)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=2000))
    assert validate_schedule(instance, after) == []
    assert weight_of(instance, after) == 3
    assert {pair_key(m.a, m.b) for m in after} == {("A", "X"), ("A", "Z"), ("A", "Y")}
    assert idle_by_occupancy(instance, after) == 0


def test_an_unmet_request_is_met_after_a_chain_frees_one_of_its_participants() -> None:
    # A meets C in 1, B meets D in 0: A and B have no free slot in common. Moving B–D to 1 along B's
    # chain frees B in 0, where A–B can then meet (or the same with A's chain): one more request met.
    instance = parse_instance(
        {
            "slots": 2,
            "tables": 5,
            "participants": [{"id": q} for q in "ABCD"],
            "requests": [{"a": "A", "b": "B"}, {"a": "A", "b": "C"}, {"a": "B", "b": "D"}],
        }
    )
    pairs, assignment = start(instance, [("A", "C", 1), ("B", "D", 0)])
    search = KempeSearch(instance, pairs, assignment, {}, seed=0, weight_bound=3)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=2000))
    assert validate_schedule(instance, after) == []
    assert weight_of(instance, after) == search.best_weight == 3
    # Either B's chain moved B–D to 1 (A–B in 0), or A's chain moved A–C to 0 (A–B in 1).
    assert {(pair_key(m.a, m.b), m.slot) for m in after} in (
        {(("A", "B"), 0), (("A", "C"), 1), (("B", "D"), 1)},
        {(("A", "B"), 1), (("A", "C"), 0), (("B", "D"), 0)},
    )


def test_more_weight_wins_over_fewer_gaps() -> None:
    # C can only come in 0, B only in 2. Meeting both leaves A a gap in 1, and is still better.
    instance = parse_instance(
        {
            "slots": 3,
            "tables": 5,
            "participants": [
                {"id": "A"},
                {"id": "C", "available": [1, 0, 0]},
                {"id": "B", "available": [0, 0, 1]},
            ],
            "requests": [{"a": "A", "b": "C"}, {"a": "A", "b": "B"}],
        }
    )
    pairs, assignment = start(instance, [("A", "C", 0)])
    search = KempeSearch(instance, pairs, assignment, {}, seed=0, weight_bound=2)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=2000))
    assert validate_schedule(instance, after) == []
    assert weight_of(instance, after) == 2


def test_a_chain_that_comes_back_to_the_other_participant_is_refused() -> None:
    # A triangle in two slots: B–C in 0, C–A in 1, A–B unmet. B's 0/1 chain (B–C, C–A) ends at A, so
    # exchanging it would make A busy in 0, where A–B was to meet. Two meetings is the most there is.
    instance = parse_instance(
        {
            "slots": 2,
            "tables": 5,
            "participants": [{"id": q} for q in "ABC"],
            "requests": [{"a": "A", "b": "B"}, {"a": "B", "b": "C"}, {"a": "C", "b": "A"}],
        }
    )
    pairs, assignment = start(instance, [("B", "C", 0), ("C", "A", 1)])
    search = KempeSearch(instance, pairs, assignment, {}, seed=0, weight_bound=3)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=3000))
    assert validate_schedule(instance, meetings(instance, pairs, search.assign)) == []
    assert validate_schedule(instance, after) == []
    assert weight_of(instance, after) == search.best_weight == 2


def test_locked_and_previous_meetings_stay_where_they_are() -> None:
    # The chain of the first test, but A–X is locked in 0 and X–Y was sent in 1: A's gap must stay.
    instance = chain_instance(
        locked=[{"a": "A", "b": "X", "slot": 0}], previous=[{"a": "X", "b": "Y", "slot": 1}]
    )
    pairs, assignment = start(instance, CHAIN)
    index = {pair_key(p.a, p.b): i for i, p in enumerate(pairs)}
    previous = {index[("X", "Y")]: 1}
    search = KempeSearch(instance, pairs, assignment, previous, seed=0)
    after = {pair_key(m.a, m.b): m.slot for m in meetings(instance, pairs, search.run(NO_DEADLINE, 2000))}
    assert after[("A", "X")] == 0
    assert after[("X", "Y")] == 1
    assert search.moves == 0


@st.composite
def tight_instances(draw: st.DrawFn) -> dict:
    """Everybody has as many requests as slots: plenty of gaps for the search to move."""
    size = draw(st.integers(4, 10))
    slots = draw(st.integers(3, min(size, 6)))
    tables = draw(st.integers(max(1, size - 3), size))
    holes = draw(st.sampled_from([0.0, 0.3, 0.6]))
    return generate_tight_instance(seed=draw(st.integers(0, 10_000)), size=size, slots=slots,
                                   tables=tables, hole_share=holes)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(small_instances(max_participants=8, max_slots=6, max_requests=30), tight_instances()),
    st.integers(0, 1000),
)
def test_the_search_keeps_schedules_valid_and_never_makes_the_objective_worse(data: dict, seed: int) -> None:
    instance = parse_instance(data)
    pairs = candidate_pairs(instance)
    assignment = greedy_assignment(instance, pairs)
    before = meetings(instance, pairs, assignment)
    # Half of the time the greedy schedule is also the one already sent.
    previous = dict(assignment) if seed % 2 else {}
    search = KempeSearch(instance, pairs, assignment, previous, seed)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=1500))
    assert validate_schedule(instance, after) == []
    # The state the walk ended in (plateau moves included) is valid too and has not lost weight.
    current = meetings(instance, pairs, search.assign)
    assert validate_schedule(instance, current) == []
    assert weight_of(instance, current) >= weight_of(instance, before)
    slot_of = {pair_key(m.a, m.b): m.slot for m in after}
    moves = sum(1 for i, s in previous.items() if slot_of.get(pair_key(pairs[i].a, pairs[i].b)) != s)

    def objective(schedule, moved):  # lexicographic: weight first, then moves, then idle periods
        return (-weight_of(instance, schedule), moved, idle_by_occupancy(instance, schedule))

    assert objective(after, moves) <= objective(before, 0)
    assert (-search.best_weight, *search.best) == objective(after, moves)  # incremental counts are exact
    for lock in instance.locked:
        assert slot_of[pair_key(lock.a, lock.b)] == lock.slot
    if weight_of(instance, after) == weight_of(instance, before):
        assert moves == 0  # the schedule already sent moves only for more weight


def test_on_a_tight_instance_the_search_alone_halves_the_greedy_idle_periods() -> None:
    # 24 + 24 participants with as many requests as slots, tables short, holes: the case where only
    # chains can move gaps (the benchmark's figures are in docs/scheduler.md). Counted in moves, not
    # seconds, so that the result does not depend on the machine.
    instance = parse_instance(generate_tight_instance(seed=7, size=24, slots=8, tables=21, hole_share=0.3))
    greedy = greedy_schedule(instance)
    pairs = candidate_pairs(instance)
    search = KempeSearch(instance, pairs, greedy_assignment(instance, pairs), {}, seed=0)
    after = meetings(instance, pairs, search.run(NO_DEADLINE, max_tries=20_000))
    assert validate_schedule(instance, after) == []
    assert weight_of(instance, after) >= greedy.satisfied_weight
    assert greedy.idle_periods >= 10
    assert 2 * idle_by_occupancy(instance, after) <= greedy.idle_periods

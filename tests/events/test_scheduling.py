"""The meeting scheduler, without Django: properties on random small instances, and known optima."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings

from essaim.events import scheduling
from essaim.events.scheduling import (
    BENCHMARK,
    Meeting,
    SchedulingInputError,
    count_idle_periods,
    generate_instance,
    greedy_baseline,
    parse_instance,
    schedule_as_json,
    solve,
    validate_schedule,
)
from essaim.events.scheduling import model as scheduling_model
from essaim.events.scheduling import solver as scheduling_solver
from tests.events.scheduling_support import brute_force, check_schedule, small_instances

SOLVE_SECONDS = 1.0


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_random_instances_get_valid_schedules_at_least_as_good_as_greedy(data: dict) -> None:
    instance = parse_instance(data)
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    check_schedule(instance, schedule)
    greedy = greedy_baseline(instance)
    check_schedule(instance, greedy)
    assert schedule.satisfied_weight >= greedy.satisfied_weight


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_participants=5, max_slots=3, max_requests=6))
def test_tiny_instances_reach_the_brute_force_optimum(data: dict) -> None:
    instance = parse_instance(data)
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    best_weight, fewest_idle = brute_force(instance)
    assert schedule.status == "optimal"
    assert schedule.satisfied_weight == schedule.upper_bound == best_weight
    if schedule.second_phase_optimal:
        assert schedule.idle_periods == fewest_idle


# ---------------------------------------------------------------------------------------------------------
# Hand-made instances
# ---------------------------------------------------------------------------------------------------------


def everyone(ids: list[str]) -> list[dict]:
    return [{"id": participant} for participant in ids]


def test_star_keeps_the_three_heaviest_requests_of_a_supplier_with_three_slots() -> None:
    instance = parse_instance(
        {
            "slots": 3,
            "tables": 10,
            "participants": everyone(["S", "B1", "B2", "B3", "B4", "B5"]),
            "requests": [
                {"a": f"B{i}", "b": "S", "weight": w} for i, w in enumerate([5, 1, 4, 2, 3], start=1)
            ],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    assert schedule.satisfied_weight == 12 == schedule.upper_bound
    assert schedule.status == "optimal"
    assert {m.a for m in schedule.meetings} == {"B1", "B3", "B5"}
    assert schedule.idle_periods == 0  # the supplier meets three buyers in a row


def test_reverse_requests_are_merged_and_their_weights_summed() -> None:
    instance = parse_instance(
        {
            "slots": 1,
            "tables": 1,
            "participants": everyone(["A", "B", "C"]),
            "requests": [
                {"a": "A", "b": "B", "weight": 2},
                {"a": "B", "b": "A", "weight": 2},
                {"a": "A", "b": "C", "weight": 3},
            ],
        }
    )
    assert len(instance.requests) == 2
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    # Alone, A–C (3) beats either direction of A–B (2), but not the merged pair (4).
    assert [(m.a, m.b) for m in schedule.meetings] == [("A", "B")]
    assert schedule.satisfied_weight == 4


def test_tables_limit_meetings_per_slot_and_are_distinct() -> None:
    ids = [f"B{i}" for i in range(4)] + [f"S{i}" for i in range(4)]
    instance = parse_instance(
        {
            "slots": 1,
            "tables": 2,
            "participants": everyone(ids),
            "requests": [{"a": f"B{i}", "b": f"S{i}", "weight": i + 1} for i in range(4)],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    assert schedule.satisfied_weight == 7  # weights 4 and 3
    assert sorted(m.table for m in schedule.meetings) == [1, 2]


def test_idle_periods_count_runs_not_slots_and_not_across_breaks() -> None:
    meetings = [Meeting("A", "B", 0, 1), Meeting("A", "C", 3, 1), Meeting("A", "D", 5, 1)]
    assert count_idle_periods(meetings, slots=6, breaks=[]) == 2  # slots 1–2 are one run, 4 is another
    assert count_idle_periods(meetings, slots=6, breaks=[2]) == 1  # 0 | 3 . 5: only slot 4 is idle
    assert count_idle_periods(meetings, slots=6, breaks=[4]) == 1  # 0 . . 3 | 5


def test_a_gap_forced_by_availability_is_idle_unless_a_break_separates_the_meetings() -> None:
    data = {
        "slots": 4,
        "tables": 5,
        "participants": [
            {"id": "A"},
            {"id": "B", "available": [1, 0, 0, 0]},
            {"id": "C", "available": [0, 0, 0, 1]},
        ],
        "requests": [{"a": "A", "b": "B", "weight": 1}, {"a": "A", "b": "C", "weight": 1}],
    }
    assert solve(parse_instance(data), time_limit=SOLVE_SECONDS).idle_periods == 1
    with_break = solve(parse_instance({**data, "breaks": [2]}), time_limit=SOLVE_SECONDS)
    assert with_break.satisfied_weight == 2
    assert with_break.idle_periods == 0


def test_second_phase_removes_gaps_without_losing_weight() -> None:
    # Every request fits, and a schedule without gaps exists (B1 in slots 0–2, B2 in slots 1–3).
    ids = ["B1", "B2", "S1", "S2", "S3"]
    instance = parse_instance(
        {
            "slots": 4,
            "tables": 5,
            "participants": everyone(ids),
            "requests": [
                {"a": "B1", "b": "S1", "weight": 3},
                {"a": "B2", "b": "S2", "weight": 3},
                {"a": "B1", "b": "S2", "weight": 1},
                {"a": "B1", "b": "S3", "weight": 1},
                {"a": "B2", "b": "S3", "weight": 2},
                {"a": "B2", "b": "S1", "weight": 1},
            ],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    assert schedule.satisfied_weight == 11
    assert schedule.idle_periods == 0
    assert schedule.second_phase_optimal


def test_a_locked_meeting_without_request_is_kept_and_weighs_nothing() -> None:
    instance = parse_instance(
        {
            "slots": 2,
            "tables": 1,
            "participants": everyone(["A", "B", "C"]),
            "requests": [{"a": "A", "b": "C", "weight": 3}, {"a": "B", "b": "C", "weight": 3}],
            "locked": [{"a": "A", "b": "B", "slot": 1}],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    assert Meeting("A", "B", 1, 1) in schedule.meetings
    # Slot 1 is taken (one table): only one of the two requests fits, in slot 0.
    assert schedule.satisfied_weight == 3 == schedule.upper_bound


def test_a_locked_meeting_keeps_its_slot_even_when_another_would_score_better() -> None:
    instance = parse_instance(
        {
            "slots": 2,
            "tables": 4,
            "participants": [{"id": "A"}, {"id": "B"}, {"id": "C", "available": [1, 0]}],
            "requests": [{"a": "A", "b": "B", "weight": 1}, {"a": "A", "b": "C", "weight": 5}],
            "locked": [{"a": "A", "b": "B", "slot": 0}],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    assert [(m.a, m.b, m.slot) for m in schedule.meetings] == [("A", "B", 0)]
    assert schedule.satisfied_weight == 1 == schedule.upper_bound


def symmetric_instance() -> dict:
    """Many optimal schedules: everyone available everywhere, 4 buyers × 4 suppliers, 4 slots."""
    ids = [f"B{i}" for i in range(4)] + [f"S{i}" for i in range(4)]
    return {
        "slots": 4,
        "tables": 4,
        "participants": everyone(ids),
        "requests": [
            {"a": f"B{b}", "b": f"S{s}", "weight": 1 + (b + s) % 3} for b in range(4) for s in range(4)
        ],
    }


def test_rerun_with_nothing_changed_keeps_every_meeting() -> None:
    data = symmetric_instance()
    first = solve(parse_instance(data), time_limit=SOLVE_SECONDS)
    # Reversing the slots gives another schedule of the same weight and idle periods, which the solver
    # would not find by itself: given as the previous schedule, it must be kept as is.
    previous = [{"a": m.a, "b": m.b, "slot": 3 - m.slot} for m in first.meetings]
    rerun = solve(parse_instance({**data, "previous": previous}), time_limit=SOLVE_SECONDS)
    assert {(m.a, m.b, m.slot) for m in rerun.meetings} == {(p["a"], p["b"], p["slot"]) for p in previous}
    assert rerun.moves == 0
    assert rerun.satisfied_weight == first.satisfied_weight


def test_rerun_with_a_new_request_moves_only_what_it_must() -> None:
    data = {
        "slots": 3,
        "tables": 5,
        "participants": everyone(["B1", "B2", "S1", "S2", "S3"]),
        "requests": [
            {"a": "B1", "b": "S1", "weight": 2},
            {"a": "B1", "b": "S2", "weight": 2},
            {"a": "B2", "b": "S1", "weight": 2},
        ],
    }
    previous = [
        {"a": "B1", "b": "S1", "slot": 0},
        {"a": "B1", "b": "S2", "slot": 1},
        {"a": "B2", "b": "S1", "slot": 1},
    ]
    data["requests"].append({"a": "B2", "b": "S3", "weight": 3})
    rerun = solve(parse_instance({**data, "previous": previous}), time_limit=SOLVE_SECONDS)
    assert rerun.satisfied_weight == 9
    assert rerun.moves == 0
    assert {(m.a, m.b, m.slot) for m in rerun.meetings} >= {(p["a"], p["b"], p["slot"]) for p in previous}


def test_tables_follow_the_participant_who_stays() -> None:
    ids = ["S", "B1", "B2", "B3", "T", "C1", "C2", "C3"]
    instance = parse_instance(
        {
            "slots": 3,
            "tables": 3,
            "participants": everyone(ids),
            "requests": [{"a": f"B{i}", "b": "S"} for i in (1, 2, 3)]
            + [{"a": f"C{i}", "b": "T"} for i in (1, 2, 3)],
        }
    )
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    tables_of = defaultdict(set)
    for m in schedule.meetings:
        tables_of[m.b].add(m.table)
    assert len(tables_of["S"]) == 1 and len(tables_of["T"]) == 1
    assert tables_of["S"] != tables_of["T"]


def test_fallback_when_cp_sat_finds_nothing_is_the_greedy_with_a_proven_bound(monkeypatch) -> None:
    instance = BENCHMARK[0].instance()

    class NothingFound:
        def __init__(self, *args: object) -> None:
            self.wall_time = 0.0
            # What CP-SAT reports when stopped before its first solution: 0, which bounds nothing.
            self.best_objective_bound = 0.0

        def solve(self, model: object) -> int:
            return scheduling_solver.cp_model.UNKNOWN

    monkeypatch.setattr(scheduling_solver, "cp_solver", NothingFound)
    monkeypatch.setattr(
        scheduling_solver, "lp_relaxation", lambda *args: scheduling_model.Relaxation(None, {})
    )
    schedule = solve(instance, time_limit=2)
    greedy = greedy_baseline(instance)
    check_schedule(instance, schedule)
    # Without CP-SAT, the greedy start is only improved by the Kempe-chain local search.
    assert schedule.source in {"greedy", "local-search"}
    assert schedule.status == "feasible"
    assert schedule.satisfied_weight >= greedy.satisfied_weight
    assert schedule.idle_periods <= greedy.idle_periods
    assert (
        schedule.upper_bound
        == scheduling.relaxation_bound(instance)
        < sum(r.weight for r in instance.requests)
    )


def test_relaxation_bound_holds_on_the_matinale() -> None:
    instance = BENCHMARK[0].instance()
    schedule = solve(instance, time_limit=5)
    assert schedule.status == "optimal"
    assert schedule.satisfied_weight <= scheduling.relaxation_bound(instance)
    assert schedule.idle_periods * 2 <= greedy_baseline(instance).idle_periods


def test_generated_instances_are_reproducible_and_skewed() -> None:
    def build() -> dict:
        return generate_instance(seed=7, buyers=20, suppliers=30, requests=150, slots=6, tables=10)

    assert build() == build()
    counts: dict[str, int] = defaultdict(int)
    for request in parse_instance(build()).requests:
        counts[request.b if request.b.startswith("S") else request.a] += 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 4 * ranked[len(ranked) // 2]  # a popular supplier gets far more than the median


def test_json_output_has_exactly_the_documented_keys() -> None:
    instance = parse_instance({"slots": 1, "tables": 1, "participants": everyone(["A", "B"]),
                               "requests": [{"a": "A", "b": "B", "weight": 1}]})  # fmt: skip
    output = schedule_as_json(solve(instance, time_limit=SOLVE_SECONDS))
    assert output == {
        "meetings": [{"a": "A", "b": "B", "slot": 0, "table": 1}],
        "satisfied_weight": 1,
        "upper_bound": 1,
        "idle_periods": 0,
        "status": "optimal",
    }


# ---------------------------------------------------------------------------------------------------------
# The validity check itself must catch each violation
# ---------------------------------------------------------------------------------------------------------


def test_validate_schedule_reports_every_kind_of_violation() -> None:
    instance = parse_instance(
        {
            "slots": 2,
            "tables": 1,
            "participants": [{"id": "A"}, {"id": "B"}, {"id": "C", "available": [1, 0]}, {"id": "D"}],
            "requests": [{"a": "A", "b": "B"}, {"a": "A", "b": "C"}, {"a": "B", "b": "D"}],
            "locked": [{"a": "A", "b": "B", "slot": 0}],
        }
    )
    assert validate_schedule(instance, [Meeting("A", "B", 0, 1)]) == []
    cases = {
        "n'a pas été demandé": [Meeting("A", "B", 0, 1), Meeting("C", "D", 1, 1)],
        "plusieurs fois": [Meeting("A", "B", 0, 1), Meeting("B", "A", 1, 1)],
        "pas disponible": [Meeting("A", "B", 0, 1), Meeting("A", "C", 1, 1)],
        "deux rendez-vous": [Meeting("A", "B", 0, 1), Meeting("B", "D", 0, 2)],
        "n'existe pas": [Meeting("A", "B", 0, 2)],
        "déjà occupée": [Meeting("A", "B", 0, 1), Meeting("C", "D", 0, 1)],
        "tables": [Meeting("A", "B", 0, 1), Meeting("B", "D", 1, 1), Meeting("A", "C", 1, 1)],
        "manque": [Meeting("A", "B", 1, 1)],
        "créneau inexistant": [Meeting("A", "B", 0, 1), Meeting("B", "D", 2, 1)],
    }
    for expected, meetings in cases.items():
        problems = validate_schedule(instance, meetings)
        assert any(expected in problem for problem in problems), (expected, problems)


# ---------------------------------------------------------------------------------------------------------
# Input errors
# ---------------------------------------------------------------------------------------------------------


BASE = {
    "slots": 3,
    "tables": 2,
    "participants": [{"id": "A"}, {"id": "B", "available": [1, 1, 0]}],
    "requests": [{"a": "A", "b": "B", "weight": 1}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requests": [{"a": "A", "b": "Z", "weight": 1}]}, "participant inconnu « Z »"),
        ({"requests": [{"a": "A", "b": "B", "weight": -1}]}, "poids doit être positif"),
        ({"requests": [{"a": "A", "b": "A", "weight": 1}]}, "lui-même"),
        ({"requests": [{"a": "A", "b": "B", "weight": "3"}]}, "doit être un entier"),
        ({"locked": [{"a": "A", "b": "B", "slot": 3}]}, "le créneau 3 n'existe pas"),
        ({"locked": [{"a": "A", "b": "B", "slot": 2}]}, "n'est pas disponible au créneau 2"),
        (
            {
                "participants": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
                "locked": [{"a": "A", "b": "B", "slot": 0}, {"a": "A", "b": "C", "slot": 0}],
            },
            "déjà un rendez-vous verrouillé",
        ),  # fmt: skip
        ({"locked": [{"a": "A", "b": "B", "slot": 0}, {"a": "B", "b": "A", "slot": 1}]}, "déjà verrouillés"),
        ({"breaks": [5]}, "« breaks »"),
        ({"participants": [{"id": "A", "available": [1, 1]}, {"id": "B"}]}, "3 valeurs 0 ou 1"),
        ({"participants": [{"id": "A"}, {"id": "A"}]}, "en double"),
        ({"slots": 0}, "« slots »"),
        ({"tables": "deux"}, "« tables »"),
        ({"requests": {"a": "A"}}, "doit être une liste"),
        ({"previous": [{"a": "A", "b": "B", "slot": 9}]}, "le créneau 9 n'existe pas"),
    ],
)
def test_invalid_input_is_refused_with_a_french_message(change: dict, message: str) -> None:
    with pytest.raises(SchedulingInputError, match=message):
        parse_instance({**BASE, **change})


def test_three_locked_meetings_in_a_slot_with_two_tables_are_refused() -> None:
    data = {
        "slots": 1,
        "tables": 2,
        "participants": everyone([f"P{i}" for i in range(6)]),
        "locked": [{"a": f"P{2 * i}", "b": f"P{2 * i + 1}", "slot": 0} for i in range(3)],
    }
    with pytest.raises(SchedulingInputError, match="que de tables"):
        parse_instance(data)


def test_previous_meetings_of_participants_who_left_are_ignored() -> None:
    instance = parse_instance({**BASE, "previous": [{"a": "A", "b": "GONE", "slot": 0}]})
    schedule = solve(instance, time_limit=SOLVE_SECONDS)
    check_schedule(instance, schedule)
    assert schedule.moves == 1  # it could not be kept, and that is reported


def test_the_lp_guided_model_keeps_the_pairs_the_lp_meets_and_drops_those_it_leaves_out() -> None:
    # Three pairs compete for one table in one slot. Told that the LP met B–C fully and left A–B out,
    # the restricted model must meet B–C, even though A–C weighs more.
    instance = parse_instance(
        {
            "slots": 1,
            "tables": 1,
            "participants": [{"id": q} for q in "ABC"],
            "requests": [
                {"a": "A", "b": "B", "weight": 2},
                {"a": "B", "b": "C"},
                {"a": "A", "b": "C", "weight": 3},
            ],
        }
    )
    pairs = scheduling_model.candidate_pairs(instance)
    met = [{("A", "B"): 0.0, ("B", "C"): 1.0, ("A", "C"): 0.5}[(p.a, p.b)] for p in pairs]
    model = scheduling_model.Model(instance, pairs)
    model.restrict_to_lp(met)
    model.model.maximize(model.weight)
    solver = scheduling_model.cp_solver(5, 1, 0)
    assert solver.solve(model.model) == scheduling_solver.cp_model.OPTIMAL
    assert [(pairs[i].a, pairs[i].b) for i in model.assignment(solver)] == [("B", "C")]
    # Unrestricted, the heaviest pair wins.
    free = scheduling_model.Model(instance, pairs)
    free.model.maximize(free.weight)
    assert solver.solve(free.model) == scheduling_solver.cp_model.OPTIMAL
    assert [(pairs[i].a, pairs[i].b) for i in free.assignment(solver)] == [("A", "C")]

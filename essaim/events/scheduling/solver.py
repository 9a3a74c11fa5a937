"""Buyer–supplier meeting scheduler (pure: no Django), built on OR-Tools CP-SAT.

Input: a number of slots, a number of tables, session breaks, participants with their availability,
weighted meeting requests between two participants, locked meetings and, for a re-run, the previous
schedule. Output: one slot and one table for as many requests as possible.

Objectives, lexicographic:
1. maximise the total weight of the requests that get a meeting (phase 1, proven bound kept);
2. with that weight kept, minimise the meetings of the previous schedule that move (re-runs only) and
   then the idle periods (phase 2, one weighted objective where one move costs more than every idle
   period together, so the order is strict);
3. tables are assigned afterwards, so that a participant keeps their table when they can.

This module is the entry point (`solve`, `greedy_schedule`, table assignment); the package `__init__`
re-exports the public names. The problem types, parser and validity check are in `problem`, the bounds,
greedy and CP-SAT model in `model`, the neighbourhood searches of phase 2 in `search` and `kempe`.

See docs/scheduler.md for the model and the guarantees.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence

from ortools.sat.python import cp_model

from essaim.events.scheduling.kempe import KempeSearch
from essaim.events.scheduling.model import (
    Model,
    Pair,
    call_untyped,
    candidate_pairs,
    cp_solver,
    greedy_assignment,
    idle_objective,
    lp_pair_values,
    lp_relaxation,
    lp_rounding,
    relaxation_bound,
)
from essaim.events.scheduling.problem import (
    Instance,
    Meeting,
    Placement,
    Schedule,
    Source,
    Status,
    count_idle_periods,
    pair_key,
    weight_of,
)
from essaim.events.scheduling.search import Improver

DEFAULT_TIME_LIMIT = 10.0
DEFAULT_WORKERS = 2
# Share of the remaining time given to phase 1 (weight) when it does not finish earlier.
PHASE1_SHARE = 0.4
# Share of the remaining time given to the LP-guided model, which stops as soon as it reaches the bound.
GUIDED_SHARE = 0.6
# Longest share of the time limit the LP relaxation may take, and share kept for tables and output.
LP_SHARE = 0.3
TABLES_SHARE = 0.05
# Phase 2 model size (x variables): below MIN, one CP-SAT model only; above MAX, neighbourhood search only.
GLOBAL_PHASE2_MIN_SIZE = 400
GLOBAL_PHASE2_MAX_SIZE = 4000
# Time limit of one neighbourhood: short steps that find an improvement beat long ones that prove one.
LNS_STEP_SECONDS = 0.03
# Share of phase 2 given first to the Kempe-chain local search (fast moves), before CP-SAT neighbourhoods.
KEMPE_SHARE = 0.5


# --------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------


def assign_tables(instance: Instance, placed: Sequence[tuple[str, str, int]]) -> list[Meeting]:
    """Distinct tables 1..tables within each slot; a participant keeps their last table when possible.

    Slot by slot: a meeting first gets the table it had in `previous` (same pair, same slot), then the
    last table of the participant with more meetings (a popular supplier stays put while buyers
    rotate), then the other participant's; otherwise the lowest table nobody sits at yet, otherwise the
    lowest free table.
    """
    meetings_count: dict[str, int] = defaultdict(int)
    for a, b, _ in placed:
        meetings_count[a] += 1
        meetings_count[b] += 1
    previous_table = {
        (pair_key(p.a, p.b), p.slot): p.table
        for p in instance.previous
        if p.table is not None and p.table <= instance.tables
    }
    by_slot: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for a, b, slot in placed:
        by_slot[slot].append((a, b))
    last_table: dict[str, int] = {}
    owned: set[int] = set()
    result: list[Meeting] = []
    for slot in sorted(by_slot):
        taken: set[int] = set()
        chosen: dict[tuple[str, str], int] = {}

        def anchor_order(ab: tuple[str, str]) -> tuple[str, str]:
            a, b = ab
            return (a, b) if (meetings_count[a], b) >= (meetings_count[b], a) else (b, a)

        def priority(ab: tuple[str, str], current_slot: int = slot) -> tuple[int, int, str, str]:
            first, second = anchor_order(ab)
            has_previous = (pair_key(*ab), current_slot) in previous_table
            return (0 if has_previous else 1, -meetings_count[first], first, second)

        for ab in sorted(by_slot[slot], key=priority):
            first, second = anchor_order(ab)
            candidates = [
                previous_table.get((pair_key(*ab), slot)),
                last_table.get(first),
                last_table.get(second),
            ]
            for table in candidates:
                if table is not None and table not in taken:
                    chosen[ab] = table
                    taken.add(table)
                    break
        free = [t for t in range(1, instance.tables + 1) if t not in taken]
        free.sort(key=lambda t: (t in owned, t))
        free_iter = iter(free)
        for ab in sorted(by_slot[slot]):
            if ab not in chosen:
                chosen[ab] = next(free_iter)
        for (a, b), table in chosen.items():
            last_table[a] = last_table[b] = table
            owned.add(table)
            result.append(Meeting(a, b, slot, table))
    result.sort(key=lambda m: (m.slot, m.table))
    return result


def _finish(
    instance: Instance,
    pairs: Sequence[Pair],
    assignment: Mapping[int, int],
    *,
    upper_bound: int,
    status: Status,
    source: Source,
    started: float,
    second_phase_optimal: bool = False,
    stats: Mapping[str, float] | None = None,
) -> Schedule:
    placed = [(pairs[i].a, pairs[i].b, slot) for i, slot in sorted(assignment.items())]
    meetings = tuple(assign_tables(instance, placed))
    weight = weight_of(instance, meetings)
    kept = {(pair_key(m.a, m.b), m.slot) for m in meetings}
    moves = sum(1 for p in instance.previous if (pair_key(p.a, p.b), p.slot) not in kept)
    return Schedule(
        meetings=meetings,
        satisfied_weight=weight,
        upper_bound=upper_bound,
        idle_periods=count_idle_periods(meetings, slots=instance.slots, breaks=instance.breaks),
        status="optimal" if weight >= upper_bound else status,
        source=source,
        moves=moves,
        second_phase_optimal=second_phase_optimal,
        seconds=time.monotonic() - started,
        stats=dict(stats or {}),
    )


def greedy_schedule(instance: Instance) -> Schedule:
    """The slot-by-slot greedy (the benchmark baseline and the solver's fallback)."""
    started = time.monotonic()
    pairs = candidate_pairs(instance)
    assignment = greedy_assignment(instance, pairs)
    return _finish(
        instance,
        pairs,
        assignment,
        upper_bound=relaxation_bound(instance, pairs),
        status="feasible",
        source="greedy",
        started=started,
    )


def _maximise(
    m: Model, bound: int, hint: Mapping[int, int], seconds: float, workers: int, seed: int
) -> tuple[dict[int, int] | None, int | None, float]:
    """Maximise the weight of model `m` (below the known `bound`, a valid cut) from `hint`.

    Returns (the assignment found or None, CP-SAT's bound on this model or None, wall time). The bound is
    taken only once CP-SAT has a solution: stopped before (status UNKNOWN, e.g. on a loaded machine), it
    reports 0, which bounds nothing.
    """
    m.model.add(m.weight <= bound)
    m.model.maximize(m.weight)
    m.hint(hint)
    solver = cp_solver(seconds, workers, seed)
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None, solver.wall_time
    proven = (
        math.floor(solver.best_objective_bound + 1e-6) if math.isfinite(solver.best_objective_bound) else None
    )
    return m.assignment(solver), proven, solver.wall_time


def solve(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    random_seed: int = 0,
) -> Schedule:
    """Schedule the meetings within `time_limit` seconds (wall clock, model building included).

    Always returns a valid schedule, never worse in weight than the greedy one. `status` is "optimal"
    when the satisfied weight equals the proven upper bound.
    """
    started = time.monotonic()
    deadline = started + time_limit
    pairs = candidate_pairs(instance)
    index_of = {pair_key(p.a, p.b): i for i, p in enumerate(pairs)}
    previous_seeds = [
        (index_of[pair_key(p.a, p.b)], p.slot) for p in instance.previous if pair_key(p.a, p.b) in index_of
    ]

    def weight(assignment: Mapping[int, int]) -> int:
        return sum(pairs[i].weight for i in assignment)

    # Cheap start: the greedy (after the previous schedule), the LP bound and the rounded LP solution.
    best = greedy_assignment(instance, pairs, previous_seeds)
    source: Source = "greedy"
    stats: dict[str, float] = {"greedy_weight": weight(best)}
    bound = relaxation_bound(instance, pairs)
    relaxation = lp_relaxation(instance, pairs, LP_SHARE * time_limit)
    if relaxation.bound is not None:
        bound = min(bound, relaxation.bound)
        rounded = lp_rounding(instance, pairs, relaxation.values)
        if weight(rounded) > weight(best):
            best, source = rounded, "lp-rounding"
    stats["lp_seconds"] = time.monotonic() - started
    stats["rounded_weight"] = weight(best)

    # Phase 1 (a): LP-guided. CP-SAT keeps the pairs the LP meets fully and drops those it leaves out, and
    # only decides the fractional pairs and the slots. On tight instances this small model reaches the LP
    # bound in a fraction of the time the full model needs; its own bound is not a proof (restricted).
    if weight(best) < bound and relaxation.bound is not None:
        guided = Model(instance, pairs)
        guided.restrict_to_lp(lp_pair_values(pairs, relaxation.values))
        seconds = GUIDED_SHARE * (deadline - time.monotonic())
        found, _, stats["guided_seconds"] = _maximise(guided, bound, best, seconds, workers, random_seed)
        if found is not None and weight(found) > weight(best):
            best, source = found, "cp-sat"
        stats["guided_weight"] = weight(best)

    # Phase 1 (b): maximise the satisfied weight over the full model, unless the bound is reached.
    m: Model | None = None
    if weight(best) < bound:
        m = Model(instance, pairs)
        seconds = PHASE1_SHARE * (deadline - time.monotonic())
        found, proven, stats["phase1_seconds"] = _maximise(m, bound, best, seconds, workers, random_seed)
        if proven is not None:
            bound = min(bound, proven)
        if found is not None and weight(found) >= weight(best):
            best, source = found, "cp-sat"
    best_weight = weight(best)
    stats["phase1_weight"] = best_weight

    # Phase 2: keep the weight; minimise moves of the previous schedule, then idle periods. One move costs
    # more than all idle periods together (lexicographic). Large instances: neighbourhood search first.
    previous = dict(previous_seeds)
    move_cost = 2 * instance.slots * len(instance.participants) + 1

    def score(assignment: Mapping[int, int]) -> int:
        placed = [Placement(pairs[i].a, pairs[i].b, slot) for i, slot in assignment.items()]
        moves = sum(1 for i, slot in previous.items() if assignment.get(i) != slot)
        return move_cost * moves + count_idle_periods(placed, slots=instance.slots, breaks=instance.breaks)

    phase2_deadline = deadline - TABLES_SHARE * time_limit
    size = sum(len(p.slots) for p in pairs)
    second_optimal = False
    if score(best) > 0 or best_weight < bound:
        kempe = KempeSearch(instance, pairs, best, previous, random_seed, weight_bound=bound)
        best = kempe.run(time.monotonic() + KEMPE_SHARE * (phase2_deadline - time.monotonic()))
        stats["kempe_tried"], stats["kempe_kept"] = kempe.tried, kempe.kept
        stats["kempe_idle"], stats["kempe_weight"] = kempe.best[1], kempe.best_weight
        if kempe.improved:
            source = "local-search"
        best_weight = weight(best)  # the search may have met more requests: later models keep them
    improver = Improver(instance, pairs, best, previous, move_cost, random_seed, cp_solver)
    if improver.total() == (0, 0):
        second_optimal = True
    elif size > GLOBAL_PHASE2_MIN_SIZE:
        lns_deadline = (
            phase2_deadline if size > GLOBAL_PHASE2_MAX_SIZE else (time.monotonic() + phase2_deadline) / 2
        )
        best = improver.run(lns_deadline, step_limit=LNS_STEP_SECONDS)
        stats["lns_steps"], stats["lns_accepted"] = improver.steps, improver.accepted
        if improver.accepted:
            source = "cp-sat"
    if not second_optimal and size <= GLOBAL_PHASE2_MAX_SIZE and improver.total() != (0, 0):
        if m is None:
            m = Model(instance, pairs)
        call_untyped(m.model.clear_objective)
        m.model.add(m.weight >= best_weight)
        idle, _, idle_hints = idle_objective(m, best)
        kept = [m.x[(i, s)] for i, s in previous_seeds if (i, s) in m.x]
        m.model.minimize(idle - move_cost * cp_model.LinearExpr.sum(kept))
        m.hint(best)
        for var, value in idle_hints:
            m.model.add_hint(var, value)
        remaining = phase2_deadline - time.monotonic()
        if remaining > 0.05:
            solver = cp_solver(remaining, workers, random_seed)
            status = solver.solve(m.model)
            stats["phase2_seconds"] = solver.wall_time
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                found = m.assignment(solver)
                if score(found) <= score(best):
                    best, source = found, "cp-sat"
                second_optimal = status == cp_model.OPTIMAL
    elif improver.total() == (0, 0):
        second_optimal = True
    return _finish(
        instance,
        pairs,
        best,
        upper_bound=bound,
        status="feasible",
        source=source,
        started=started,
        second_phase_optimal=second_optimal,
        stats=stats,
    )


def schedule_as_json(schedule: Schedule) -> dict[str, object]:
    """The command's JSON output."""
    return {
        "meetings": [{"a": m.a, "b": m.b, "slot": m.slot, "table": m.table} for m in schedule.meetings],
        "satisfied_weight": schedule.satisfied_weight,
        "upper_bound": schedule.upper_bound,
        "idle_periods": schedule.idle_periods,
        "status": schedule.status,
    }

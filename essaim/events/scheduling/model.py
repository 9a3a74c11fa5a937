"""Building blocks of the scheduler (pure: no Django): the candidate pairs, the proven upper bounds
(combinatorial and the GLOP linear relaxation), the greedy and LP-rounding assignments, and the CP-SAT
model with its idle-period objective. `solver.solve` puts them together.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from essaim.events.scheduling.problem import Instance, pair_key, sessions

# --------------------------------------------------------------------------------------------------------
# Candidate pairs, relaxation bound, greedy
# --------------------------------------------------------------------------------------------------------


@dataclass
class Pair:
    a: str
    b: str
    weight: int
    slots: list[int]  # slots where both are available (only the locked slot when locked)
    locked_slot: int | None = None


def candidate_pairs(instance: Instance) -> list[Pair]:
    """The pairs the model may schedule. A weight-0 request that is not locked is left out."""
    locked = {pair_key(p.a, p.b): p for p in instance.locked}
    pairs: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    for request in instance.requests:
        key = pair_key(request.a, request.b)
        seen.add(key)
        lock = locked.get(key)
        if lock is not None:
            pairs.append(Pair(request.a, request.b, request.weight, [lock.slot], lock.slot))
            continue
        if request.weight == 0:
            continue
        common = [
            s
            for s in range(instance.slots)
            if instance.availability[request.a][s] and instance.availability[request.b][s]
        ]
        if common:
            pairs.append(Pair(request.a, request.b, request.weight, common))
    for key, lock in locked.items():
        if key not in seen:
            pairs.append(Pair(lock.a, lock.b, 0, [lock.slot], lock.slot))
    return pairs


def relaxation_bound(instance: Instance, pairs: Sequence[Pair] | None = None) -> int:
    """A proven upper bound without a solver: the least of three relaxations.

    - every schedulable request met;
    - at most `tables` meetings per slot: the heaviest `tables × slots` requests;
    - capacities: each request is charged to one of its two participants, who meets at most once in each
      slot where they can meet anyone; each participant contributes the heaviest requests they can hold.
    """
    if pairs is None:
        pairs = candidate_pairs(instance)
    weights = sorted((p.weight for p in pairs), reverse=True)
    total = sum(weights)
    by_tables = sum(weights[: instance.tables * instance.slots])
    capacity_slots: dict[str, set[int]] = defaultdict(set)
    degree: dict[str, int] = defaultdict(int)
    for p in pairs:
        capacity_slots[p.a].update(p.slots)
        capacity_slots[p.b].update(p.slots)
        degree[p.a] += 1
        degree[p.b] += 1
    capacity = {participant: len(s) for participant, s in capacity_slots.items()}
    charged: dict[str, list[int]] = defaultdict(list)
    for p in pairs:
        # Charge the participant whose requests exceed their capacity the most.
        excess_a, excess_b = degree[p.a] - capacity[p.a], degree[p.b] - capacity[p.b]
        owner = p.a if (excess_a, p.b) >= (excess_b, p.a) else p.b
        charged[owner].append(p.weight)
    by_capacity = sum(sum(sorted(w, reverse=True)[: capacity[owner]]) for owner, w in charged.items())
    return min(total, by_tables, by_capacity)


def greedy_assignment(
    instance: Instance, pairs: Sequence[Pair], seeds: Iterable[tuple[int, int]] = ()
) -> dict[int, int]:
    """Pair index → slot. Locked pairs first, then the seeds that still fit (a previous schedule), then
    slot by slot the heaviest free requests (ties: fewest remaining common slots first)."""
    assignment: dict[int, int] = {}
    busy: set[tuple[str, int]] = set()
    per_slot = [0] * instance.slots

    def fits(index: int, slot: int) -> bool:
        p = pairs[index]
        return (
            index not in assignment
            and slot in p.slots
            and per_slot[slot] < instance.tables
            and (p.a, slot) not in busy
            and (p.b, slot) not in busy
        )

    def place(index: int, slot: int) -> None:
        p = pairs[index]
        assignment[index] = slot
        busy.add((p.a, slot))
        busy.add((p.b, slot))
        per_slot[slot] += 1

    for index, p in enumerate(pairs):
        if p.locked_slot is not None:
            place(index, p.locked_slot)
    for index, slot in seeds:
        if fits(index, slot):
            place(index, slot)
    for slot in range(instance.slots):
        candidates = [
            (-p.weight, len(p.slots) - bisect.bisect_left(p.slots, slot), index)
            for index, p in enumerate(pairs)
            if index not in assignment and slot in p.slots
        ]
        for _, _, index in sorted(candidates):
            if per_slot[slot] >= instance.tables:
                break
            if fits(index, slot):
                place(index, slot)
    return assignment


# --------------------------------------------------------------------------------------------------------
# Linear relaxation (GLOP)
# --------------------------------------------------------------------------------------------------------


@dataclass
class Relaxation:
    bound: int | None
    values: dict[tuple[int, int], float]


def lp_relaxation(instance: Instance, pairs: Sequence[Pair], time_limit: float) -> Relaxation:
    """The linear relaxation of the weight model, solved by GLOP.

    The bound does not trust the LP solver: from its duals λ ≥ 0 (clipped), the Lagrangian
    Σ λ·rhs + Σ_x max(0, w_x − Σ λ over the constraints of x) bounds every 0 ≤ x ≤ 1, hence every schedule,
    whatever the solver's tolerance or status. Weights are integers, so the bound is rounded down.
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return Relaxation(None, {})
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    infinity = solver.infinity()
    variables: dict[tuple[int, int], pywraplp.Variable] = {}
    rows: list[tuple[pywraplp.Constraint, float]] = []
    row_of_var: dict[tuple[int, int], list[int]] = defaultdict(list)
    participant_rows: dict[tuple[str, int], int] = {}
    slot_rows: dict[int, int] = {}

    def new_row(upper: float) -> int:
        rows.append((solver.Constraint(-infinity, upper), upper))
        return len(rows) - 1

    objective = solver.Objective()
    for i, p in enumerate(pairs):
        low = 1.0 if p.locked_slot is not None else 0.0
        pair_row = new_row(1.0)
        for s in p.slots:
            var = solver.NumVar(low, 1.0, f"x_{i}_{s}")
            variables[(i, s)] = var
            objective.SetCoefficient(var, p.weight)
            keys = [pair_row]
            for participant in (p.a, p.b):
                if (participant, s) not in participant_rows:
                    participant_rows[(participant, s)] = new_row(1.0)
                keys.append(participant_rows[(participant, s)])
            if s not in slot_rows:
                slot_rows[s] = new_row(float(instance.tables))
            keys.append(slot_rows[s])
            for row in keys:
                rows[row][0].SetCoefficient(var, 1.0)
            row_of_var[(i, s)] = keys
    objective.SetMaximization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return Relaxation(None, {})
    duals = [max(0.0, constraint.dual_value()) for constraint, _ in rows]
    bound = sum(dual * upper for dual, (_, upper) in zip(duals, rows, strict=True))
    for (i, _), keys in row_of_var.items():
        reduced = pairs[i].weight - sum(duals[row] for row in keys)
        if pairs[i].locked_slot is not None:
            bound += reduced  # a locked x is 1
        elif reduced > 0:
            bound += reduced
    values = {key: var.solution_value() for key, var in variables.items()}
    return Relaxation(math.floor(bound + 1e-6), values)


def lp_rounding(
    instance: Instance, pairs: Sequence[Pair], values: Mapping[tuple[int, int], float]
) -> dict[int, int]:
    """LP rounding: the largest LP values first (then the heaviest), completed by the greedy."""
    seeds = sorted(
        (key for key, value in values.items() if value > 1e-6),
        key=lambda key: (-values[key], -pairs[key[0]].weight, key),
    )
    return greedy_assignment(instance, pairs, seeds)


def lp_pair_values(pairs: Sequence[Pair], values: Mapping[tuple[int, int], float]) -> list[float]:
    """How much of each pair the LP solution meets (Σ over its slots), between 0 and 1."""
    met = [0.0] * len(pairs)
    for (i, _), value in values.items():
        met[i] += value
    return met


# --------------------------------------------------------------------------------------------------------
# CP-SAT
# --------------------------------------------------------------------------------------------------------


class Model:
    """The CP-SAT model: x[i, s] = pair i meets in slot s, only where both are available."""

    def __init__(self, instance: Instance, pairs: Sequence[Pair]) -> None:
        self.instance = instance
        self.pairs = pairs
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        by_participant_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i, p in enumerate(pairs):
            for s in p.slots:
                var = self.model.new_bool_var(f"x_{i}_{s}")
                self.x[(i, s)] = var
                by_participant_slot[(p.a, s)].append(var)
                by_participant_slot[(p.b, s)].append(var)
                by_slot[s].append(var)
            if p.locked_slot is not None:
                self.model.add(self.x[(i, p.locked_slot)] == 1)
            elif len(p.slots) > 1:
                self.model.add_at_most_one(self.x[(i, s)] for s in p.slots)
        for variables in by_participant_slot.values():
            if len(variables) > 1:
                self.model.add_at_most_one(variables)
        for s, variables in by_slot.items():
            available = sum(1 for q in instance.participants if instance.availability[q][s])
            if len(variables) > instance.tables and available // 2 > instance.tables:
                self.model.add(sum(variables) <= instance.tables)
        self.by_participant_slot = by_participant_slot
        self.weight = cp_model.LinearExpr.weighted_sum(
            [self.x[(i, s)] for i, p in enumerate(pairs) for s in p.slots if p.weight > 0],
            [p.weight for p in pairs for _ in p.slots if p.weight > 0],
        )

    def restrict_to_lp(self, met: Sequence[float], tolerance: float = 1e-6) -> None:
        """Keep to the LP's choice of pairs: those the LP meets fully must meet, those it leaves out
        cannot; CP-SAT only decides the fractional pairs and the slots. A heuristic restriction: a
        solution of this model is valid, but the model may miss the optimum (or be infeasible)."""
        for i, p in enumerate(self.pairs):
            if p.locked_slot is not None:
                continue
            options = [self.x[(i, s)] for s in p.slots]
            if met[i] >= 1 - tolerance:
                self.model.add_exactly_one(options)
            elif met[i] <= tolerance:
                for var in options:
                    self.model.add(var == 0)

    def hint(self, assignment: Mapping[int, int]) -> None:
        call_untyped(self.model.clear_hints)
        for (i, s), var in self.x.items():
            self.model.add_hint(var, assignment.get(i) == s)

    def assignment(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {i: s for (i, s), var in self.x.items() if solver.boolean_value(var)}


def call_untyped(method: Callable[[], object]) -> None:
    """Call a CP-SAT method that lacks type annotations."""
    method()


def cp_solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def idle_objective(
    m: Model, assignment: Mapping[int, int] | None
) -> tuple[cp_model.LinearExpr, int, list[tuple[cp_model.IntVar, int]]]:
    """Idle periods of a participant in a session = starts of busy runs − (1 if busy at all).

    start[p, s] ≥ y[p, s] − y[p, s − 1] with y[p, s] = Σ x over p's meetings in s (0 or 1), and
    active[p, k] ≤ Σ y over session k. Minimising Σ start − Σ active gives exactly the idle periods.
    Returns the expression, the number of terms (a bound on its value) and hint values.
    """
    instance = m.instance
    busy_in: dict[str, set[int]] = defaultdict(set)
    for p in m.pairs:
        for s in p.slots:
            busy_in[p.a].add(s)
            busy_in[p.b].add(s)
    hint_busy: set[tuple[str, int]] = set()
    if assignment is not None:
        for i, s in assignment.items():
            hint_busy.add((m.pairs[i].a, s))
            hint_busy.add((m.pairs[i].b, s))
    starts: list[cp_model.IntVar] = []
    actives: list[cp_model.IntVar] = []
    hints: list[tuple[cp_model.IntVar, int]] = []  # not a dict: IntVar.__eq__ builds a constraint
    for participant, possible in busy_in.items():
        for k, session in enumerate(sessions(instance.slots, instance.breaks)):
            in_session = [s for s in session if s in possible]
            if len(in_session) < 2 or in_session[-1] - in_session[0] < 2:
                continue  # no room for a gap between two meetings
            y = {s: sum(m.by_participant_slot[(participant, s)]) for s in in_session}
            active = m.model.new_bool_var(f"active_{participant}_{k}")
            m.model.add(active <= sum(y.values()))
            actives.append(active)
            hints.append((active, int(any((participant, s) in hint_busy for s in in_session))))
            for s in in_session:
                start = m.model.new_bool_var(f"start_{participant}_{s}")
                if s - 1 in y:
                    m.model.add(start >= y[s] - y[s - 1])
                else:
                    m.model.add(start >= y[s])
                starts.append(start)
                starts_here = (participant, s) in hint_busy and (
                    s - 1 not in y or (participant, s - 1) not in hint_busy
                )
                hints.append((start, int(starts_here)))
    expression = cp_model.LinearExpr.sum(starts) - cp_model.LinearExpr.sum(actives)
    return expression, len(starts), hints

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

See docs/scheduler.md for the model and the guarantees.
"""

from __future__ import annotations

import bisect
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeGuard

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

Status = Literal["optimal", "feasible"]
Source = Literal["cp-sat", "lp-rounding", "greedy"]

DEFAULT_TIME_LIMIT = 10.0
DEFAULT_WORKERS = 2
# Share of the remaining time given to phase 1 (weight) when it does not finish earlier.
PHASE1_SHARE = 0.4
# Longest share of the time limit the LP relaxation may take, and share kept for tables and output.
LP_SHARE = 0.3
TABLES_SHARE = 0.05
# Phase 2 model size (x variables): below MIN, one CP-SAT model only; above MAX, neighbourhood search only.
GLOBAL_PHASE2_MIN_SIZE = 400
GLOBAL_PHASE2_MAX_SIZE = 4000
# Time limit of one neighbourhood: short steps that find an improvement beat long ones that prove one.
LNS_STEP_SECONDS = 0.03


class SchedulingInputError(ValueError):
    """The input cannot be scheduled; the message is in French and meant for the user."""


@dataclass(frozen=True)
class Request:
    """One request per unordered pair; duplicates (a→b and b→a, or a→b twice) are merged by summing."""

    a: str
    b: str
    weight: int


@dataclass(frozen=True)
class Placement:
    """A meeting pinned to a slot: a locked meeting, or a meeting of the previous schedule."""

    a: str
    b: str
    slot: int
    table: int | None = None


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: int
    table: int


@dataclass(frozen=True)
class Instance:
    slots: int
    tables: int
    breaks: tuple[int, ...]
    participants: tuple[str, ...]
    availability: Mapping[str, tuple[bool, ...]]
    requests: tuple[Request, ...]
    locked: tuple[Placement, ...] = ()
    previous: tuple[Placement, ...] = ()

    def is_available(self, participant: str, slot: int) -> bool:
        return self.availability[participant][slot]


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...]
    satisfied_weight: int
    upper_bound: int
    idle_periods: int
    status: Status
    source: Source
    moves: int = 0
    """Meetings of `previous` that are not kept at their slot (0 when there is no previous schedule)."""
    second_phase_optimal: bool = False
    """True when CP-SAT proved that no schedule of that weight has fewer moves and idle periods."""
    seconds: float = 0.0
    stats: Mapping[str, float] = field(default_factory=dict)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# --------------------------------------------------------------------------------------------------------
# Parsing and validation of the JSON input
# --------------------------------------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SchedulingInputError(message)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_value(value: object, message: str, minimum: int = 0, maximum: int | None = None) -> int:
    if not _is_int(value) or value < minimum or (maximum is not None and value > maximum):
        raise SchedulingInputError(message)
    return value


def _int_field(entry: Mapping[str, object], key: str, where: str) -> int:
    value = entry.get(key)
    if not _is_int(value):
        raise SchedulingInputError(f"{where} : « {key} » doit être un entier (reçu {value!r}).")
    return value


def _str_field(entry: Mapping[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or value == "":
        raise SchedulingInputError(f"{where} : « {key} » doit être un identifiant non vide (reçu {value!r}).")
    return value


def _list_field(data: Mapping[str, object], key: str) -> list[object]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise SchedulingInputError(f"« {key} » doit être une liste.")
    return value


def _entries(data: Mapping[str, object], key: str, label: str) -> list[tuple[str, Mapping[str, object]]]:
    result: list[tuple[str, Mapping[str, object]]] = []
    for index, entry in enumerate(_list_field(data, key)):
        where = f"{label} n° {index + 1}"
        if not isinstance(entry, dict):
            raise SchedulingInputError(f"{where} : un objet JSON est attendu.")
        result.append((where, entry))
    return result


def parse_instance(data: object) -> Instance:
    """Check and normalise the decoded JSON input; raise `SchedulingInputError` (French) when invalid.

    Participants are the ones listed in `participants`; an entry without `available` is available in
    every slot. A request or a locked meeting naming anyone else is an error. A meeting of `previous`
    naming an unknown participant is ignored (that participant has left: the meeting cannot be kept).
    """
    if not isinstance(data, dict):
        raise SchedulingInputError("Le fichier doit contenir un objet JSON.")
    slots = _int_value(data.get("slots"), "« slots » doit être un entier entre 1 et 1000.", 1, 1000)
    tables = _int_value(data.get("tables"), "« tables » doit être un entier positif.", 1)

    breaks = set()
    for raw_break in _list_field(data, "breaks"):
        value = _int_value(
            raw_break,
            f"« breaks » : le créneau {raw_break!r} n'existe pas (créneaux numérotés de 0 à {slots - 1}).",
            0,
            slots - 1,
        )
        if value > 0:
            breaks.add(value)

    availability: dict[str, tuple[bool, ...]] = {}
    for where, entry in _entries(data, "participants", "Participant"):
        participant = _str_field(entry, "id", where)
        _require(
            participant not in availability, f"{where} : le participant « {participant} » est en double."
        )
        raw = entry.get("available")
        if raw is None:
            availability[participant] = (True,) * slots
            continue
        if not (isinstance(raw, list) and len(raw) == slots and all(v in (0, 1) for v in raw)):
            raise SchedulingInputError(
                f"{where} (« {participant} ») : « available » doit être une liste de {slots} valeurs 0 ou 1."
            )
        availability[participant] = tuple(bool(v) for v in raw)

    def known(participant: str, where: str) -> None:
        _require(participant in availability, f"{where} : participant inconnu « {participant} ».")

    def distinct(a: str, b: str, where: str) -> None:
        _require(a != b, f"{where} : un participant ne peut pas se rencontrer lui-même (« {a} »).")

    def slot_in_range(slot: int, where: str) -> None:
        _require(
            0 <= slot < slots,
            f"{where} : le créneau {slot} n'existe pas (créneaux numérotés de 0 à {slots - 1}).",
        )

    merged: dict[tuple[str, str], Request] = {}
    for where, entry in _entries(data, "requests", "Demande"):
        a, b = _str_field(entry, "a", where), _str_field(entry, "b", where)
        known(a, where)
        known(b, where)
        distinct(a, b, where)
        weight = _int_field(entry, "weight", where) if "weight" in entry else 1
        _require(weight >= 0, f"{where} : le poids doit être positif ou nul (reçu {weight}).")
        key = pair_key(a, b)
        if key in merged:
            first = merged[key]
            merged[key] = Request(first.a, first.b, first.weight + weight)
        else:
            merged[key] = Request(a, b, weight)

    locked: list[Placement] = []
    locked_pairs: dict[tuple[str, str], int] = {}
    busy: dict[tuple[str, int], str] = {}
    per_slot: dict[int, int] = defaultdict(int)
    for where, entry in _entries(data, "locked", "Rendez-vous verrouillé"):
        a, b = _str_field(entry, "a", where), _str_field(entry, "b", where)
        slot = _int_field(entry, "slot", where)
        known(a, where)
        known(b, where)
        distinct(a, b, where)
        slot_in_range(slot, where)
        key = pair_key(a, b)
        _require(
            key not in locked_pairs,
            f"{where} : « {a} » et « {b} » sont déjà verrouillés ensemble au créneau {locked_pairs.get(key)}.",
        )
        for participant in (a, b):
            _require(
                availability[participant][slot],
                f"{where} : « {participant} » n'est pas disponible au créneau {slot}.",
            )
            _require(
                (participant, slot) not in busy,
                f"{where} : « {participant} » a déjà un rendez-vous verrouillé au créneau {slot} "
                f"(avec « {busy.get((participant, slot))} »).",
            )
        per_slot[slot] += 1
        _require(
            per_slot[slot] <= tables,
            f"{where} : plus de rendez-vous verrouillés au créneau {slot} que de tables ({tables}).",
        )
        busy[(a, slot)], busy[(b, slot)] = b, a
        locked_pairs[key] = slot
        locked.append(Placement(a, b, slot))

    previous: list[Placement] = []
    seen_previous: set[tuple[str, str]] = set()
    for where, entry in _entries(data, "previous", "Rendez-vous précédent"):
        a, b = _str_field(entry, "a", where), _str_field(entry, "b", where)
        slot = _int_field(entry, "slot", where)
        slot_in_range(slot, where)
        table = _int_field(entry, "table", where) if entry.get("table") is not None else None
        _require(table is None or table >= 1, f"{where} : « table » doit être un entier positif.")
        distinct(a, b, where)
        key = pair_key(a, b)
        _require(key not in seen_previous, f"{where} : « {a} » et « {b} » apparaissent deux fois.")
        seen_previous.add(key)
        previous.append(Placement(a, b, slot, table))

    return Instance(
        slots=slots,
        tables=tables,
        breaks=tuple(sorted(breaks)),
        participants=tuple(availability),
        availability=availability,
        requests=tuple(merged.values()),
        locked=tuple(locked),
        previous=tuple(previous),
    )


# --------------------------------------------------------------------------------------------------------
# Measures and the validity check
# --------------------------------------------------------------------------------------------------------


def sessions(slots: int, breaks: Iterable[int]) -> list[range]:
    """The sessions as slot ranges; `breaks` are the slots where a new session starts."""
    bounds = [0, *sorted({b for b in breaks if 0 < b < slots}), slots]
    return [range(start, end) for start, end in zip(bounds, bounds[1:], strict=False)]


def count_idle_periods(meetings: Iterable[Meeting | Placement], *, slots: int, breaks: Iterable[int]) -> int:
    """Runs of empty slots strictly between two meetings of one participant within one session.

    A run counts once whatever its length; an empty run across a break is not idle.
    """
    session_of = [0] * slots
    for index, session in enumerate(sessions(slots, breaks)):
        for slot in session:
            session_of[slot] = index
    busy: dict[str, list[int]] = defaultdict(list)
    for meeting in meetings:
        busy[meeting.a].append(meeting.slot)
        busy[meeting.b].append(meeting.slot)
    idle = 0
    for participant_slots in busy.values():
        ordered = sorted(participant_slots)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before > 1 and session_of[before] == session_of[after]:
                idle += 1
    return idle


def weight_of(instance: Instance, meetings: Iterable[Meeting | Placement]) -> int:
    """Satisfied weight: the weight of each requested pair that meets (a locked non-request weighs 0)."""
    weights = {pair_key(r.a, r.b): r.weight for r in instance.requests}
    return sum(weights.get(pair_key(m.a, m.b), 0) for m in {pair_key(m.a, m.b): m for m in meetings}.values())


def validate_schedule(instance: Instance, meetings: Sequence[Meeting]) -> list[str]:
    """Every rule a schedule must follow; returns the violations (in French), empty when valid."""
    problems: list[str] = []
    allowed = {pair_key(r.a, r.b) for r in instance.requests} | {pair_key(p.a, p.b) for p in instance.locked}
    seen_pairs: set[tuple[str, str]] = set()
    busy: set[tuple[str, int]] = set()
    tables_used: set[tuple[int, int]] = set()
    per_slot: dict[int, int] = defaultdict(int)
    placed: set[tuple[tuple[str, str], int]] = set()
    for m in meetings:
        label = f"{m.a}–{m.b} au créneau {m.slot}"
        if m.a not in instance.availability or m.b not in instance.availability or m.a == m.b:
            problems.append(f"{label} : participants invalides.")
            continue
        key = pair_key(m.a, m.b)
        if key not in allowed:
            problems.append(f"{label} : ce rendez-vous n'a pas été demandé.")
        if key in seen_pairs:
            problems.append(f"{label} : la demande est satisfaite plusieurs fois.")
        seen_pairs.add(key)
        if not 0 <= m.slot < instance.slots:
            problems.append(f"{label} : créneau inexistant.")
            continue
        placed.add((key, m.slot))
        for participant in (m.a, m.b):
            if not instance.availability[participant][m.slot]:
                problems.append(f"{label} : « {participant} » n'est pas disponible.")
            if (participant, m.slot) in busy:
                problems.append(f"{label} : « {participant} » a deux rendez-vous dans ce créneau.")
            busy.add((participant, m.slot))
        if not 1 <= m.table <= instance.tables:
            problems.append(f"{label} : la table {m.table} n'existe pas.")
        if (m.slot, m.table) in tables_used:
            problems.append(f"{label} : la table {m.table} est déjà occupée.")
        tables_used.add((m.slot, m.table))
        per_slot[m.slot] += 1
    for slot, count in sorted(per_slot.items()):
        if count > instance.tables:
            problems.append(f"Créneau {slot} : {count} rendez-vous pour {instance.tables} tables.")
    for lock in instance.locked:
        if (pair_key(lock.a, lock.b), lock.slot) not in placed:
            problems.append(f"Le rendez-vous verrouillé {lock.a}–{lock.b} au créneau {lock.slot} manque.")
    return problems


# --------------------------------------------------------------------------------------------------------
# Candidate pairs, relaxation bound, greedy
# --------------------------------------------------------------------------------------------------------


@dataclass
class _Pair:
    a: str
    b: str
    weight: int
    slots: list[int]  # slots where both are available (only the locked slot when locked)
    locked_slot: int | None = None


def _candidate_pairs(instance: Instance) -> list[_Pair]:
    """The pairs the model may schedule. A weight-0 request that is not locked is left out."""
    locked = {pair_key(p.a, p.b): p for p in instance.locked}
    pairs: list[_Pair] = []
    seen: set[tuple[str, str]] = set()
    for request in instance.requests:
        key = pair_key(request.a, request.b)
        seen.add(key)
        lock = locked.get(key)
        if lock is not None:
            pairs.append(_Pair(request.a, request.b, request.weight, [lock.slot], lock.slot))
            continue
        if request.weight == 0:
            continue
        common = [
            s
            for s in range(instance.slots)
            if instance.availability[request.a][s] and instance.availability[request.b][s]
        ]
        if common:
            pairs.append(_Pair(request.a, request.b, request.weight, common))
    for key, lock in locked.items():
        if key not in seen:
            pairs.append(_Pair(lock.a, lock.b, 0, [lock.slot], lock.slot))
    return pairs


def relaxation_bound(instance: Instance, pairs: Sequence[_Pair] | None = None) -> int:
    """A proven upper bound without a solver: the least of three relaxations.

    - every schedulable request met;
    - at most `tables` meetings per slot: the heaviest `tables × slots` requests;
    - capacities: each request is charged to one of its two participants, who meets at most once in each
      slot where they can meet anyone; each participant contributes the heaviest requests they can hold.
    """
    if pairs is None:
        pairs = _candidate_pairs(instance)
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


def _greedy_assignment(
    instance: Instance, pairs: Sequence[_Pair], seeds: Iterable[tuple[int, int]] = ()
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
    pairs: Sequence[_Pair],
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
    pairs = _candidate_pairs(instance)
    assignment = _greedy_assignment(instance, pairs)
    return _finish(
        instance,
        pairs,
        assignment,
        upper_bound=relaxation_bound(instance, pairs),
        status="feasible",
        source="greedy",
        started=started,
    )


# --------------------------------------------------------------------------------------------------------
# Linear relaxation (GLOP)
# --------------------------------------------------------------------------------------------------------


@dataclass
class _Relaxation:
    bound: int | None
    values: dict[tuple[int, int], float]


def _lp_relaxation(instance: Instance, pairs: Sequence[_Pair], time_limit: float) -> _Relaxation:
    """The linear relaxation of the weight model, solved by GLOP.

    The bound does not trust the LP solver: from its duals λ ≥ 0 (clipped), the Lagrangian
    Σ λ·rhs + Σ_x max(0, w_x − Σ λ over the constraints of x) bounds every 0 ≤ x ≤ 1, hence every schedule,
    whatever the solver's tolerance or status. Weights are integers, so the bound is rounded down.
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return _Relaxation(None, {})
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
        return _Relaxation(None, {})
    duals = [max(0.0, constraint.dual_value()) for constraint, _ in rows]
    bound = sum(dual * upper for dual, (_, upper) in zip(duals, rows, strict=True))
    for (i, _), keys in row_of_var.items():
        reduced = pairs[i].weight - sum(duals[row] for row in keys)
        if pairs[i].locked_slot is not None:
            bound += reduced  # a locked x is 1
        elif reduced > 0:
            bound += reduced
    values = {key: var.solution_value() for key, var in variables.items()}
    return _Relaxation(math.floor(bound + 1e-6), values)


def _round(
    instance: Instance, pairs: Sequence[_Pair], values: Mapping[tuple[int, int], float]
) -> dict[int, int]:
    """LP rounding: the largest LP values first (then the heaviest), completed by the greedy."""
    seeds = sorted(
        (key for key, value in values.items() if value > 1e-6),
        key=lambda key: (-values[key], -pairs[key[0]].weight, key),
    )
    return _greedy_assignment(instance, pairs, seeds)


# --------------------------------------------------------------------------------------------------------
# CP-SAT
# --------------------------------------------------------------------------------------------------------


class _Model:
    """The CP-SAT model: x[i, s] = pair i meets in slot s, only where both are available."""

    def __init__(self, instance: Instance, pairs: Sequence[_Pair]) -> None:
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

    def hint(self, assignment: Mapping[int, int]) -> None:
        _untyped(self.model.clear_hints)
        for (i, s), var in self.x.items():
            self.model.add_hint(var, assignment.get(i) == s)

    def assignment(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {i: s for (i, s), var in self.x.items() if solver.boolean_value(var)}


def _untyped(method: Callable[[], object]) -> None:
    """Call a CP-SAT method that lacks type annotations."""
    method()


def _solver(time_limit: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _idle_objective(
    m: _Model, assignment: Mapping[int, int] | None
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


class _Improver:
    """Large neighbourhood search for phase 2 on instances too big for one CP-SAT model to improve.

    Each step frees a few meetings (those among a cluster of participants, or those in a window of
    consecutive slots), keeps everything else fixed, and asks CP-SAT for the best placement of the freed
    requests with at least their current weight: the satisfied weight never decreases, and a step is kept
    only when the moves and idle periods of the participants involved do not increase.
    """

    def __init__(
        self,
        instance: Instance,
        pairs: Sequence[_Pair],
        assignment: Mapping[int, int],
        previous: Mapping[int, int],
        move_cost: int,
        seed: int,
    ) -> None:
        self.instance = instance
        self.pairs = pairs
        self.previous = previous
        self.move_cost = move_cost
        self.rng = random.Random(seed)  # noqa: S311 -- search diversification, not security
        self.sessions = sessions(instance.slots, instance.breaks)
        self.session_of = [0] * instance.slots
        for k, session in enumerate(self.sessions):
            for slot in session:
                self.session_of[slot] = k
        self.pairs_of: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(pairs):
            self.pairs_of[p.a].append(i)
            self.pairs_of[p.b].append(i)
        self.assign: dict[int, int] = {}
        self.occupant: dict[tuple[str, int], int] = {}
        self.per_slot = [0] * instance.slots
        for i, slot in assignment.items():
            self._place(i, slot)
        self.idle = {q: self._idle_of(q) for q in self.pairs_of}
        self.size = 16
        self.steps = 0
        self.accepted = 0

    def _place(self, i: int, slot: int) -> None:
        p = self.pairs[i]
        self.assign[i] = slot
        self.occupant[(p.a, slot)] = self.occupant[(p.b, slot)] = i
        self.per_slot[slot] += 1

    def _remove(self, i: int) -> None:
        p = self.pairs[i]
        slot = self.assign.pop(i)
        del self.occupant[(p.a, slot)], self.occupant[(p.b, slot)]
        self.per_slot[slot] -= 1

    def _idle_of(self, participant: str) -> int:
        busy = sorted(self.assign[i] for i in self.pairs_of[participant] if i in self.assign)
        return sum(
            1
            for before, after in zip(busy, busy[1:], strict=False)
            if after - before > 1 and self.session_of[before] == self.session_of[after]
        )

    def _moves_of(self, free: Iterable[int]) -> int:
        return sum(1 for i in free if i in self.previous and self.assign.get(i) != self.previous[i])

    def total(self) -> tuple[int, int]:
        """(moves, idle periods) of the current assignment."""
        return self._moves_of(self.previous), sum(self.idle.values())

    def _cluster(self) -> tuple[list[int], dict[int, list[int]]]:
        """The requests among a cluster of participants grown from one with idle periods or moves."""
        troubled = [q for q, idle in self.idle.items() if idle > 0]
        troubled += [self.pairs[i].a for i, slot in self.previous.items() if self.assign.get(i) != slot]
        start = self.rng.choice(troubled)
        cluster = {start}
        frontier = [start]
        while frontier and len(cluster) < self.size:
            q = frontier.pop(self.rng.randrange(len(frontier)))
            partners = [
                self.pairs[i].b if self.pairs[i].a == q else self.pairs[i].a for i in self.pairs_of[q]
            ]
            self.rng.shuffle(partners)
            for r in partners:
                if r not in cluster and len(cluster) < self.size:
                    cluster.add(r)
                    frontier.append(r)
        free = sorted(
            {
                i
                for q in cluster
                for i in self.pairs_of[q]
                if self.pairs[i].a in cluster and self.pairs[i].b in cluster
            }
        )
        free = [i for i in free if self.pairs[i].locked_slot is None]
        return free, {i: self.pairs[i].slots for i in free}

    def _window(self) -> tuple[list[int], dict[int, list[int]]]:
        """The meetings of a window of consecutive slots, free to swap within the window."""
        session = self.rng.choice([k for k in self.sessions if len(k) > 1] or self.sessions)
        width = min(len(session), 2 + self.rng.randrange(2))
        first = self.rng.randrange(session.start, session.stop - width + 1)
        window = set(range(first, first + width))
        free = sorted(
            i for i, slot in self.assign.items() if slot in window and self.pairs[i].locked_slot is None
        )
        limit = 4 * self.size
        if len(free) > limit:
            free = sorted(self.rng.sample(free, limit))
        return free, {i: [s for s in self.pairs[i].slots if s in window] for i in free}

    def step(self, time_limit: float) -> bool:
        """One neighbourhood; returns whether the assignment changed."""
        self.steps += 1
        free, allowed = self._cluster() if self.rng.random() < 0.7 else self._window()
        if not free:
            return False
        free_set = set(free)
        pairs = self.pairs
        affected = {q for i in free for q in (pairs[i].a, pairs[i].b)}

        def fixed_busy(q: str, slot: int) -> bool:
            occupant = self.occupant.get((q, slot))
            return occupant is not None and occupant not in free_set

        model = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        by_qs: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i in free:
            p = pairs[i]
            options = []
            for slot in allowed[i]:
                if fixed_busy(p.a, slot) or fixed_busy(p.b, slot):
                    continue
                var = model.new_bool_var("")
                x[(i, slot)] = var
                options.append(var)
                by_qs[(p.a, slot)].append(var)
                by_qs[(p.b, slot)].append(var)
                by_slot[slot].append(var)
                model.add_hint(var, self.assign.get(i) == slot)
            if len(options) > 1:
                model.add_at_most_one(options)
        for variables in by_qs.values():
            if len(variables) > 1:
                model.add_at_most_one(variables)
        freed_per_slot: dict[int, int] = defaultdict(int)
        for i in free:
            if i in self.assign:
                freed_per_slot[self.assign[i]] += 1
        for slot, variables in by_slot.items():
            capacity = self.instance.tables - (self.per_slot[slot] - freed_per_slot[slot])
            if len(variables) > capacity:
                model.add(sum(variables) <= capacity)
        current_weight = sum(pairs[i].weight for i in free if i in self.assign)
        model.add(sum(pairs[i].weight * var for (i, _), var in x.items()) >= current_weight)
        terms: list[cp_model.LinearExprT] = []
        constant = 0
        for q in affected:
            for session in self.sessions:
                ys: list[int | list[cp_model.IntVar]] = [
                    1 if fixed_busy(q, slot) else by_qs.get((q, slot), []) or 0 for slot in session
                ]
                variables = [v for y in ys if isinstance(y, list) for v in y]
                if not variables:
                    continue  # nothing of q moves in this session
                if 1 in ys:
                    constant -= 1
                else:
                    active = model.new_bool_var("")
                    model.add(active <= sum(variables))
                    terms.append(-active)
                before: int | list[cp_model.IntVar] = 0
                for y in ys:
                    if y == 1 and before == 0:
                        constant += 1
                    elif isinstance(y, list):
                        start = model.new_bool_var("")
                        if before == 0:
                            model.add(start >= sum(y))
                        elif isinstance(before, list):
                            model.add(start >= sum(y) - sum(before))
                        terms.append(start)
                    elif y == 1 and isinstance(before, list):
                        start = model.new_bool_var("")
                        model.add(start >= 1 - sum(before))
                        terms.append(start)
                    before = y
        kept = [x[(i, self.previous[i])] for i in free if (i, self.previous.get(i, -1)) in x]
        model.minimize(cp_model.LinearExpr.sum(terms) - self.move_cost * cp_model.LinearExpr.sum(kept))
        solver = _solver(time_limit, 1, self.rng.randrange(1 << 30))
        status = solver.solve(model)
        if status == cp_model.OPTIMAL:
            self.size = min(self.size + 1, 60)
        elif self.size > 6:
            self.size -= 1
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        new = {i: slot for (i, slot), var in x.items() if solver.boolean_value(var)}
        old_score = self.move_cost * self._moves_of(free) + sum(self.idle[q] for q in affected)
        old = {i: self.assign[i] for i in free if i in self.assign}
        if new == old:
            return False
        for i in old:
            self._remove(i)
        for i, slot in new.items():
            self._place(i, slot)
        new_idle = {q: self._idle_of(q) for q in affected}
        new_score = self.move_cost * self._moves_of(free) + sum(new_idle.values())
        if new_score > old_score:  # cannot happen with an optimal sub-solve; kept as a guard
            for i in new:
                self._remove(i)
            for i, slot in old.items():
                self._place(i, slot)
            return False
        self.idle.update(new_idle)
        self.accepted += 1
        return True

    def run(self, deadline: float, step_limit: float) -> dict[int, int]:
        while time.monotonic() + 0.02 < deadline and self.total() != (0, 0):
            self.step(min(step_limit, deadline - time.monotonic()))
        return dict(self.assign)


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
    pairs = _candidate_pairs(instance)
    index_of = {pair_key(p.a, p.b): i for i, p in enumerate(pairs)}
    previous_seeds = [
        (index_of[pair_key(p.a, p.b)], p.slot) for p in instance.previous if pair_key(p.a, p.b) in index_of
    ]

    def weight(assignment: Mapping[int, int]) -> int:
        return sum(pairs[i].weight for i in assignment)

    # Cheap start: the greedy (after the previous schedule), the LP bound and the rounded LP solution.
    best = _greedy_assignment(instance, pairs, previous_seeds)
    source: Source = "greedy"
    stats: dict[str, float] = {"greedy_weight": weight(best)}
    bound = relaxation_bound(instance, pairs)
    relaxation = _lp_relaxation(instance, pairs, LP_SHARE * time_limit)
    if relaxation.bound is not None:
        bound = min(bound, relaxation.bound)
        rounded = _round(instance, pairs, relaxation.values)
        if weight(rounded) > weight(best):
            best, source = rounded, "lp-rounding"
    stats["lp_seconds"] = time.monotonic() - started
    stats["rounded_weight"] = weight(best)

    # Phase 1: maximise the satisfied weight, unless the start already reaches the bound.
    m: _Model | None = None
    if weight(best) < bound:
        m = _Model(instance, pairs)
        m.model.add(m.weight <= bound)
        m.model.maximize(m.weight)
        m.hint(best)
        solver = _solver(PHASE1_SHARE * (deadline - time.monotonic()), workers, random_seed)
        status = solver.solve(m.model)
        stats["phase1_seconds"] = solver.wall_time
        if math.isfinite(solver.best_objective_bound):
            bound = min(bound, math.floor(solver.best_objective_bound + 1e-6))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = m.assignment(solver)
            if weight(found) >= weight(best):
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
    improver = _Improver(instance, pairs, best, previous, move_cost, random_seed)
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
            m = _Model(instance, pairs)
        _untyped(m.model.clear_objective)
        m.model.add(m.weight >= best_weight)
        idle, _, idle_hints = _idle_objective(m, best)
        kept = [m.x[(i, s)] for i, s in previous_seeds if (i, s) in m.x]
        m.model.minimize(idle - move_cost * cp_model.LinearExpr.sum(kept))
        m.hint(best)
        for var, value in idle_hints:
            m.model.add_hint(var, value)
        remaining = phase2_deadline - time.monotonic()
        if remaining > 0.05:
            solver = _solver(remaining, workers, random_seed)
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

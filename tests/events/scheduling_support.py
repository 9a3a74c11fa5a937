"""Helpers of the scheduler tests: independent re-computations (written differently from the module on
purpose), random small instances for hypothesis, and the checks every schedule must pass."""

import itertools
from collections import defaultdict

from hypothesis import strategies as st

from essaim.events import scheduling
from essaim.events.scheduling import Instance, Meeting, Schedule, pair_key, validate_schedule

# ---------------------------------------------------------------------------------------------------------
# Independent re-computations (written differently from the module on purpose)
# ---------------------------------------------------------------------------------------------------------


def idle_by_occupancy(instance: Instance, meetings: list[Meeting]) -> int:
    """Walk each participant's occupancy row session by session; count runs of empty slots closed on
    both sides by a meeting."""
    starts = {0, *instance.breaks}
    row: dict[str, list[bool]] = defaultdict(lambda: [False] * instance.slots)
    for m in meetings:
        row[m.a][m.slot] = row[m.b][m.slot] = True
    idle = 0
    for occupancy in row.values():
        seen_meeting = in_gap = False
        for slot, busy in enumerate(occupancy):
            if slot in starts:
                seen_meeting = in_gap = False
            if busy:
                if in_gap:
                    idle += 1
                seen_meeting, in_gap = True, False
            elif seen_meeting:
                in_gap = True
    return idle


def brute_force(instance: Instance) -> tuple[int, int]:
    """(best weight, fewest idle periods at that weight) by enumerating every slot choice of every pair."""
    weights = {pair_key(r.a, r.b): r.weight for r in instance.requests}
    locked = {pair_key(p.a, p.b): p.slot for p in instance.locked}
    keys = sorted(set(weights) | set(locked))
    options = []
    for a, b in keys:
        if (a, b) in locked:
            options.append([locked[(a, b)]])
        elif weights[(a, b)] == 0:
            options.append([None])  # documented: a weight-0 request is not scheduled unless locked
        else:
            both = [
                s
                for s in range(instance.slots)
                if instance.availability[a][s] and instance.availability[b][s]
            ]
            options.append([None, *both])
    best = (-1, 0)
    for choice in itertools.product(*options):
        busy: set[tuple[str, int]] = set()
        per_slot: dict[int, int] = defaultdict(int)
        meetings = []
        ok = True
        for (a, b), slot in zip(keys, choice, strict=True):
            if slot is None:
                continue
            if (a, slot) in busy or (b, slot) in busy:
                ok = False
                break
            busy |= {(a, slot), (b, slot)}
            per_slot[slot] += 1
            meetings.append(Meeting(a, b, slot, per_slot[slot]))
        if not ok or any(count > instance.tables for count in per_slot.values()):
            continue
        weight = sum(weights.get(pair_key(m.a, m.b), 0) for m in meetings)
        idle = idle_by_occupancy(instance, meetings)
        if weight > best[0] or (weight == best[0] and idle < best[1]):
            best = (weight, idle)
    return best


# ---------------------------------------------------------------------------------------------------------
# Random small instances
# ---------------------------------------------------------------------------------------------------------


@st.composite
def small_instances(
    draw: st.DrawFn, max_participants: int = 7, max_slots: int = 5, max_requests: int = 10
) -> dict:
    slots = draw(st.integers(1, max_slots))
    tables = draw(st.integers(1, 4))
    n = draw(st.integers(2, max_participants))
    ids = [f"P{i}" for i in range(n)]
    participants = []
    for participant in ids:
        if draw(st.booleans()):
            participants.append({"id": participant})  # available everywhere
        else:
            participants.append({"id": participant, "available": draw(st.lists(st.sampled_from([0, 1]),
                                                                                min_size=slots, max_size=slots))})  # fmt: skip
    available = {p["id"]: p.get("available", [1] * slots) for p in participants}
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda ab: ab[0] != ab[1])
    requests = [
        {"a": a, "b": b, "weight": w}
        for (a, b), w in draw(st.lists(st.tuples(pair, st.integers(0, 3)), max_size=max_requests))
    ]
    # Locked meetings: keep the drawn ones that are consistent with each other and with availability.
    locked, busy, per_slot, locked_pairs = [], set(), defaultdict(int), set()
    for (a, b), slot in draw(st.lists(st.tuples(pair, st.integers(0, slots - 1)), max_size=3)):
        if (
            available[a][slot]
            and available[b][slot]
            and {(a, slot), (b, slot)}.isdisjoint(busy)
            and per_slot[slot] < tables
            and pair_key(a, b) not in locked_pairs
        ):
            busy |= {(a, slot), (b, slot)}
            per_slot[slot] += 1
            locked_pairs.add(pair_key(a, b))
            locked.append({"a": a, "b": b, "slot": slot})
    breaks = sorted(draw(st.sets(st.integers(0, slots - 1), max_size=2)))
    return {
        "slots": slots,
        "tables": tables,
        "breaks": breaks,
        "participants": participants,
        "requests": requests,
        "locked": locked,
    }


def check_schedule(instance: Instance, schedule: Schedule) -> None:
    assert validate_schedule(instance, schedule.meetings) == []
    assert schedule.upper_bound >= schedule.satisfied_weight
    assert schedule.satisfied_weight == scheduling.weight_of(instance, schedule.meetings)
    assert schedule.idle_periods == idle_by_occupancy(instance, list(schedule.meetings))
    placed = {(pair_key(m.a, m.b), m.slot) for m in schedule.meetings}
    for lock in instance.locked:
        assert (pair_key(lock.a, lock.b), lock.slot) in placed
    assert (schedule.status == "optimal") == (schedule.satisfied_weight == schedule.upper_bound)

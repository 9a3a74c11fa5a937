"""Phase 2 of the scheduler on tight instances (pure: no Django): a local search on Kempe chains that
moves idle gaps to the ends of sessions without changing the satisfied weight.

A schedule is an edge colouring of the graph of met requests, one colour per slot. For two slots e and f,
the meetings held in e or f form alternating chains. Exchanging e and f along one chain keeps everybody
on the chain busy in both slots, except its two ends: the first participant trades a free f for a free e,
the last one the other way round. So a chain moves a gap of one participant to another slot and only the
two ends' idle periods change, which makes a move cheap to evaluate. When almost everybody meets in
every slot, this is how a gap can travel from the middle of a session to its end; a neighbourhood that
re-solves a few participants (`scheduling_search`) cannot do it, every partner being busy.

A second move exchanges a met request for an unmet one of at least the same weight in the same slot, so
that the search may also choose which requests are left out.

Moves are kept when they do not increase (moves of the previous schedule, idle periods), compared in that
order; moves that keep them equal are kept too, so the search walks across plateaus. Locked meetings
never move. The weight never decreases.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence

from essaim.events.scheduling_model import _Pair
from essaim.events.scheduling_problem import Instance, sessions

# Share of moves that start from a participant with an idle period (the others diversify).
TROUBLED_SHARE = 0.8
# Share of exchange moves (a met request for an unmet one); the others are Kempe chains.
EXCHANGE_SHARE = 0.15


class KempeSearch:
    """Local search over Kempe-chain and exchange moves; `run` returns the best assignment seen."""

    def __init__(
        self,
        instance: Instance,
        pairs: Sequence[_Pair],
        assignment: Mapping[int, int],
        previous: Mapping[int, int],
        seed: int,
    ) -> None:
        self.instance = instance
        self.pairs = pairs
        self.previous = previous
        self.rng = random.Random(seed)  # noqa: S311 -- search diversification, not security
        self.session_of = [0] * instance.slots
        for k, session in enumerate(sessions(instance.slots, instance.breaks)):
            for slot in session:
                self.session_of[slot] = k
        self.pairs_of: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(pairs):
            self.pairs_of[p.a].append(i)
            self.pairs_of[p.b].append(i)
        self.allowed = [set(p.slots) for p in pairs]
        self.assign: dict[int, int] = {}
        self.occupant: dict[tuple[str, int], int] = {}
        self.in_slot: list[set[int]] = [set() for _ in range(instance.slots)]
        for i, slot in assignment.items():
            self._place(i, slot)
        self.idle = {q: self._idle_of(q) for q in self.pairs_of}
        self.total_idle = sum(self.idle.values())
        self.moves = sum(1 for i, slot in previous.items() if self.assign.get(i) != slot)
        self.best = (self.moves, self.total_idle)
        self.best_assignment = dict(self.assign)
        self.improved = False
        self.tried = 0
        self.kept = 0

    # State ------------------------------------------------------------------------------------------

    def _place(self, i: int, slot: int) -> None:
        p = self.pairs[i]
        self.assign[i] = slot
        self.occupant[(p.a, slot)] = self.occupant[(p.b, slot)] = i
        self.in_slot[slot].add(i)

    def _remove(self, i: int) -> None:
        p = self.pairs[i]
        slot = self.assign.pop(i)
        del self.occupant[(p.a, slot)], self.occupant[(p.b, slot)]
        self.in_slot[slot].discard(i)

    def _busy(self, q: str) -> list[int]:
        return [s for s in range(self.instance.slots) if (q, s) in self.occupant]

    def _gaps(self, busy: Sequence[int]) -> int:
        return sum(
            1
            for before, after in zip(busy, busy[1:], strict=False)
            if after - before > 1 and self.session_of[before] == self.session_of[after]
        )

    def _idle_of(self, q: str) -> int:
        return self._gaps(self._busy(q))

    def _moved(self, i: int, slot: int | None) -> int:
        """1 if pair i at `slot` (None: unmet) is away from its previous slot."""
        return int(i in self.previous and self.previous[i] != slot)

    def _commit(self, changes: Sequence[tuple[int, int | None]], touched: set[str]) -> bool:
        """Apply (pair, new slot or None) changes if (moves, idle) does not increase; else undo."""
        old = {i: self.assign.get(i) for i, _ in changes}
        moves_delta = sum(self._moved(i, new) - self._moved(i, old[i]) for i, new in changes)
        for i, _ in changes:
            if i in self.assign:
                self._remove(i)
        for i, new in changes:
            if new is not None:
                self._place(i, new)
        new_idle = {q: self._idle_of(q) for q in touched}
        idle_delta = sum(new_idle.values()) - sum(self.idle[q] for q in touched)
        if (moves_delta, idle_delta) > (0, 0):
            for i, new in changes:
                if new is not None:
                    self._remove(i)
            for i, before in old.items():
                if before is not None:
                    self._place(i, before)
            return False
        self.idle.update(new_idle)
        self.moves += moves_delta
        self.total_idle += idle_delta
        self.kept += 1
        if (self.moves, self.total_idle) < self.best:
            self.best = (self.moves, self.total_idle)
            self.best_assignment = dict(self.assign)
            self.improved = True
        return True

    # Moves ------------------------------------------------------------------------------------------

    def _pick_participant(self) -> str:
        if self.rng.random() < TROUBLED_SHARE:
            troubled = [q for q, idle in self.idle.items() if idle > 0]
            if troubled:
                return self.rng.choice(troubled)
        return self.rng.choice(list(self.pairs_of))

    def _kempe(self) -> bool:
        """From a participant q busy in e and free in f, exchange e and f along q's chain."""
        q = self._pick_participant()
        busy = self._busy(q)
        if not busy:
            return False
        available = self.instance.availability[q]
        inside = range(busy[0] + 1, busy[-1])
        free = [s for s in range(self.instance.slots) if available[s] and (q, s) not in self.occupant]
        gap_slots = [s for s in free if s in inside]
        f = self.rng.choice(gap_slots if gap_slots and self.rng.random() < 0.7 else free or [-1])
        if f < 0:
            return False
        e = self.rng.choice(busy)
        chain: list[int] = []
        current, colour = q, e
        while (i := self.occupant.get((current, colour))) is not None:
            p = self.pairs[i]
            new_slot = f if colour == e else e
            if p.locked_slot is not None or new_slot not in self.allowed[i]:
                return False
            chain.append(i)
            current = p.b if p.a == current else p.a
            colour = f if colour == e else e
        if len(chain) % 2 == 1 and len(self.in_slot[f]) >= self.instance.tables:
            return False  # one more meeting in f than before
        changes = [(i, f if self.assign[i] == e else e) for i in chain]
        return self._commit(changes, {q, current})

    def _exchange(self) -> bool:
        """An unmet request takes the slot of a met one of at most its weight, where both are free."""
        q = self._pick_participant()
        unmet = [i for i in self.pairs_of[q] if i not in self.assign and self.pairs[i].locked_slot is None]
        if not unmet:
            return False
        j = self.rng.choice(unmet)
        a, b = self.pairs[j].a, self.pairs[j].b
        options: list[tuple[int, int | None]] = []
        for slot in self.pairs[j].slots:
            holders = {self.occupant.get((a, slot)), self.occupant.get((b, slot))} - {None}
            if len(holders) > 1:
                continue
            if not holders and len(self.in_slot[slot]) < self.instance.tables:
                options.append((slot, None))
                continue
            # One of them meets someone else there, or every table is taken: a meeting makes way.
            candidates = holders or self.in_slot[slot]
            droppable = [i for i in candidates if i is not None and self._may_drop(i, j)]
            if droppable:
                options.append((slot, self.rng.choice(sorted(droppable))))
        if not options:
            return False
        slot, dropped = self.rng.choice(options)
        changes: list[tuple[int, int | None]] = [(j, slot)]
        touched = {a, b}
        if dropped is not None:
            changes.insert(0, (dropped, None))
            touched |= {self.pairs[dropped].a, self.pairs[dropped].b}
        return self._commit(changes, touched)

    def _may_drop(self, i: int, j: int) -> bool:
        return self.pairs[i].locked_slot is None and self.pairs[i].weight <= self.pairs[j].weight

    def run(self, deadline: float, max_tries: int | None = None) -> dict[int, int]:
        """Search until `deadline` (time.monotonic), `max_tries` moves, or no move nor gap is left."""
        while self.best != (0, 0) and time.monotonic() < deadline:
            batch = 200 if max_tries is None else min(200, max_tries - self.tried)
            if batch <= 0:
                break
            for _ in range(batch):
                self.tried += 1
                if self.rng.random() < EXCHANGE_SHARE:
                    self._exchange()
                else:
                    self._kempe()
        return dict(self.best_assignment)

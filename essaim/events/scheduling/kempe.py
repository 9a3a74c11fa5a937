"""Phase 2 of the scheduler (pure: no Django): a local search on Kempe chains that moves idle gaps to
the ends of sessions, and meets more requests when it can, without ever lowering the satisfied weight.

A schedule is an edge colouring of the graph of met requests, one colour per slot. For two slots e and f,
the meetings held in e or f form alternating chains. Exchanging e and f along one chain keeps everybody
on the chain busy in both slots, except its two ends: the first participant trades a free f for a free e,
the last one the other way round. So a chain moves a gap of one participant to another slot and only the
two ends' idle periods change, which makes a move cheap to evaluate. When almost everybody meets in
every slot, this is how a gap can travel from the middle of a session to its end; a neighbourhood that
re-solves a few participants (`search`) cannot do it, every partner being busy.

Two more moves: an exchange gives the slot of a met request to an unmet one of at least the same weight
(the search also chooses which requests are left out); an insertion meets an unmet request, if need be
after exchanging two slots along the chain of one of its participants (the augmenting step of edge
colouring algorithms).

Moves are kept when they do not make (−weight, moves of the previous schedule, idle periods) worse,
compared in that order; moves that keep them equal are kept too, so the search walks across plateaus.
Locked meetings never move.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence

from essaim.events.scheduling.model import Pair
from essaim.events.scheduling.problem import Instance
from essaim.events.scheduling.state import AssignmentState

# Share of moves that start from a participant with an idle period (the others diversify).
TROUBLED_SHARE = 0.8
# Share of exchange moves (a met request for an unmet one); the others are Kempe chains.
EXCHANGE_SHARE = 0.15
# Share of insertions of an unmet request (they raise the weight when they succeed).
INSERT_SHARE = 0.1


class KempeSearch(AssignmentState):
    """Local search over Kempe-chain and exchange moves; `run` returns the best assignment seen."""

    def __init__(
        self,
        instance: Instance,
        pairs: Sequence[Pair],
        assignment: Mapping[int, int],
        previous: Mapping[int, int],
        seed: int,
        weight_bound: int | None = None,
    ) -> None:
        super().__init__(instance, pairs, assignment)
        self.previous = previous
        self.rng = random.Random(seed)  # noqa: S311 -- search diversification, not security
        self.allowed = [set(p.slots) for p in pairs]
        self.participants = sorted(self.pairs_of)
        self.weight_bound = weight_bound
        self.weight = sum(pairs[i].weight for i in self.assign)
        self.total_idle = sum(self.idle.values())
        self.moves = sum(1 for i, slot in previous.items() if self.assign.get(i) != slot)
        self.best = (self.moves, self.total_idle)
        self.best_weight = self.weight
        self.best_assignment = dict(self.assign)
        self.improved = False
        self.tried = 0
        self.kept = 0

    def _moved(self, i: int, slot: int | None) -> int:
        """1 if pair i at `slot` (None: unmet) is away from its previous slot."""
        return int(i in self.previous and self.previous[i] != slot)

    def _commit(self, changes: Sequence[tuple[int, int | None]], touched: set[str]) -> bool:
        """Apply (pair, new slot or None) changes unless they make (−weight, moves, idle) worse; else undo."""
        old = {i: self.assign.get(i) for i, _ in changes}
        weight_delta = sum(
            self.pairs[i].weight * ((new is not None) - (old[i] is not None)) for i, new in changes
        )
        moves_delta = sum(self._moved(i, new) - self._moved(i, old[i]) for i, new in changes)
        for i, _ in changes:
            if i in self.assign:
                self._remove(i)
        for i, new in changes:
            if new is not None:
                self._place(i, new)
        new_idle = {q: self._idle_of(q) for q in touched}
        idle_delta = sum(new_idle.values()) - sum(self.idle[q] for q in touched)
        if (-weight_delta, moves_delta, idle_delta) > (0, 0, 0):
            for i, new in changes:
                if new is not None:
                    self._remove(i)
            for i, before in old.items():
                if before is not None:
                    self._place(i, before)
            return False
        self.idle.update(new_idle)
        self.weight += weight_delta
        self.moves += moves_delta
        self.total_idle += idle_delta
        self.kept += 1
        if (-self.weight, self.moves, self.total_idle) < (-self.best_weight, *self.best):
            self.best = (self.moves, self.total_idle)
            self.best_weight = self.weight
            self.best_assignment = dict(self.assign)
            self.improved = True
        return True

    # Moves ------------------------------------------------------------------------------------------

    def _pick_participant(self) -> str:
        if self.rng.random() < TROUBLED_SHARE:
            troubled = [q for q, idle in self.idle.items() if idle > 0]
            if troubled:
                return self.rng.choice(troubled)
        return self.rng.choice(self.participants)

    def _chain(self, start: str, e: int, f: int) -> tuple[list[int], str] | None:
        """The e/f chain from `start` (busy in e, free in f) and its last participant, or None when one
        of its meetings cannot change slot (locked, or someone unavailable in the other slot)."""
        chain: list[int] = []
        current, colour = start, e
        while (i := self.occupant.get((current, colour))) is not None:
            p = self.pairs[i]
            if p.locked_slot is not None or (f if colour == e else e) not in self.allowed[i]:
                return None
            chain.append(i)
            current = p.b if p.a == current else p.a
            colour = f if colour == e else e
        return chain, current

    def _swap(self, chain: Sequence[int], e: int, f: int) -> list[tuple[int, int | None]]:
        return [(i, f if self.assign[i] == e else e) for i in chain]

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
        found = self._chain(q, e, f)
        if found is None:
            return False
        chain, end = found
        if len(chain) % 2 == 1 and len(self.in_slot[f]) >= self.instance.tables:
            return False  # one more meeting in f than before
        return self._commit(self._swap(chain, e, f), {q, end})

    def _insert(self) -> bool:
        """An unmet request of a and b gets a slot e where a is free: directly when b is free there too,
        else after exchanging e with a slot f where b is free along b's chain (the augmenting step of
        edge colouring), unless the chain reaches a."""
        j = self.rng.choice(self.pairs_of[self.rng.choice(self.participants)])
        p = self.pairs[j]
        if j in self.assign or p.locked_slot is not None or p.weight == 0:
            return False
        a, b = (p.a, p.b) if self.rng.random() < 0.5 else (p.b, p.a)
        e = self.rng.choice(p.slots)
        if (a, e) in self.occupant:
            return False
        changes: list[tuple[int, int | None]] = []
        touched = {a, b}
        after_e = len(self.in_slot[e])
        if (b, e) in self.occupant:
            available = self.instance.availability[b]
            free = [s for s in range(self.instance.slots) if available[s] and (b, s) not in self.occupant]
            if not free:
                return False
            f = self.rng.choice(free)
            found = self._chain(b, e, f)
            if found is None:
                return False
            chain, end = found
            if any(a in (self.pairs[i].a, self.pairs[i].b) for i in chain):
                return False
            if len(chain) % 2 == 1:
                if len(self.in_slot[f]) >= self.instance.tables:
                    return False
                after_e -= 1
            changes = self._swap(chain, e, f)
            touched.add(end)
        if after_e >= self.instance.tables:
            return False
        return self._commit([*changes, (j, e)], touched)

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

    def _done(self) -> bool:
        return self.best == (0, 0) and (self.weight_bound is None or self.best_weight >= self.weight_bound)

    def run(self, deadline: float, max_tries: int | None = None) -> dict[int, int]:
        """Search until `deadline` (time.monotonic), `max_tries` moves, or nothing is left to improve."""
        while not self._done() and time.monotonic() < deadline:
            batch = 200 if max_tries is None else min(200, max_tries - self.tried)
            if batch <= 0:
                break
            for _ in range(batch):
                self.tried += 1
                draw = self.rng.random()
                if draw < EXCHANGE_SHARE:
                    self._exchange()
                elif draw < EXCHANGE_SHARE + INSERT_SHARE:
                    self._insert()
                else:
                    self._kempe()
        return dict(self.best_assignment)

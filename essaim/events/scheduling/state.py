"""The assignment the phase-2 searches work on (pure: no Django): which pair meets in which slot, who
is busy when, and each participant's idle periods, kept up to date as meetings are placed and removed.
Shared by the Kempe-chain search (`kempe`) and the CP-SAT neighbourhood search
(`search`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from essaim.events.scheduling.model import Pair
from essaim.events.scheduling.problem import Instance, sessions


class AssignmentState:
    """Pair index → slot, with the indexes a local search needs to evaluate a move cheaply."""

    def __init__(self, instance: Instance, pairs: Sequence[Pair], assignment: Mapping[int, int]) -> None:
        self.instance = instance
        self.pairs = pairs
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
        self.occupant: dict[tuple[str, int], int] = {}  # (participant, slot) → pair meeting there
        self.in_slot: list[set[int]] = [set() for _ in range(instance.slots)]
        for i, slot in assignment.items():
            self._place(i, slot)
        self.idle = {q: self._idle_of(q) for q in self.pairs_of}

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
        """The slots where q meets someone, in order."""
        return sorted(self.assign[i] for i in self.pairs_of[q] if i in self.assign)

    def _idle_of(self, q: str) -> int:
        busy = self._busy(q)
        return sum(
            1
            for before, after in zip(busy, busy[1:], strict=False)
            if after - before > 1 and self.session_of[before] == self.session_of[after]
        )

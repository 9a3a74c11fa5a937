"""The scheduling problem (pure: no Django): its input and output types, the JSON parser, the measures
of a schedule and the check that a schedule follows every rule.

The solver is in `solver` (entry point), `model`, `search` and `kempe`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeGuard

Status = Literal["optimal", "feasible"]
Source = Literal["cp-sat", "local-search", "lp-rounding", "greedy"]


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

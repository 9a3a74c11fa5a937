"""Buyer–supplier meeting scheduler (pure: no Django), built on OR-Tools CP-SAT.

The package's public names, used by the events services, the `schedule` and `bench_schedule` commands
and the tests. Modules: `problem` (input and output types, JSON parser, validity check), `model` (bounds,
greedy, CP-SAT model), `state` (assignment state shared by the local searches), `search` (CP-SAT
neighbourhoods), `kempe` (Kempe-chain local search), `solver` (entry point: `solve`, tables),
`instances` (seeded benchmark instances and the greedy baseline). See docs/scheduler.md.
"""

from essaim.events.scheduling.instances import (
    BENCHMARK,
    BenchInstance,
    generate_instance,
    generate_tight_instance,
    greedy_baseline,
)
from essaim.events.scheduling.model import relaxation_bound
from essaim.events.scheduling.problem import (
    Instance,
    Meeting,
    Placement,
    Request,
    Schedule,
    SchedulingInputError,
    Source,
    Status,
    count_idle_periods,
    pair_key,
    parse_instance,
    sessions,
    validate_schedule,
    weight_of,
)
from essaim.events.scheduling.solver import (
    DEFAULT_TIME_LIMIT,
    DEFAULT_WORKERS,
    assign_tables,
    greedy_schedule,
    schedule_as_json,
    solve,
)

__all__ = [
    "BENCHMARK",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "BenchInstance",
    "Instance",
    "Meeting",
    "Placement",
    "Request",
    "Schedule",
    "SchedulingInputError",
    "Source",
    "Status",
    "assign_tables",
    "count_idle_periods",
    "generate_instance",
    "generate_tight_instance",
    "greedy_baseline",
    "greedy_schedule",
    "pair_key",
    "parse_instance",
    "relaxation_bound",
    "schedule_as_json",
    "sessions",
    "solve",
    "validate_schedule",
    "weight_of",
]

"""Progress of long commands (data generation, imports): rows done, rate and time left, on stderr.

Shown only when stderr is a terminal and the command was not asked to be quiet, so that logs, pipes and
tests see nothing and the one-line JSON report stays the last line of stdout. Drawn by rich.

    with progress("Structures générées", total=count, quiet=options["quiet"]) as advance:
        for batch in batches:
            ...
            advance(len(batch))

`advance(0, total=n)` sets the total once it is known (SIRENE: after the legal units are read).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Rows per second, once rich has measured it."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(
            f"{speed:,.0f} lignes/s".replace(",", " ") if speed else "… lignes/s", style="progress.data.speed"
        )


class Advance(Protocol):
    def __call__(self, rows: int, *, total: int | None = None) -> None: ...


def no_progress(rows: int, *, total: int | None = None) -> None:
    return None


def shown(stream: IO[str] | None = None, *, quiet: bool = False) -> bool:
    """Whether progress is drawn on `stream` (stderr by default): a terminal, and not quiet."""
    stream = sys.stderr if stream is None else stream
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def progress(
    label: str, *, total: int | None, quiet: bool = False, stream: IO[str] | None = None
) -> Iterator[Advance]:
    """A progress bar for `total` rows (None: unknown), yielding `advance(rows_done_since_last_call)`
    (`total=` sets the total when it becomes known); a function that does nothing when the bar is not
    shown (see `shown`)."""
    stream = sys.stderr if stream is None else stream
    if not shown(stream, quiet=quiet):
        yield no_progress
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("reste"),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=False,
    )
    with bar:
        task = bar.add_task(label, total=total)

        def advance(rows: int, *, total: int | None = None) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.advance(task, rows)

        yield advance

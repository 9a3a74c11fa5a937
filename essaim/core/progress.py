"""Progress of long commands (data generation, imports): rows done, rate and time left, on stderr.

Shown only when stderr is a terminal and the command was not asked to be quiet, so that logs, pipes and
tests see nothing and the one-line JSON report stays the last line of stdout. Drawn by rich.

    with progress("Structures générées", total=count, quiet=options["quiet"]) as advance:
        for batch in batches:
            ...
            advance(len(batch))
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

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


def shown(stream: IO[str] | None = None, *, quiet: bool = False) -> bool:
    """Whether progress is drawn on `stream` (stderr by default): a terminal, and not quiet."""
    stream = sys.stderr if stream is None else stream
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


@contextmanager
def progress(
    label: str, *, total: int | None, quiet: bool = False, stream: IO[str] | None = None
) -> Iterator[Callable[[int], None]]:
    """A progress bar for `total` rows (None: unknown), yielding `advance(rows_done_since_last_call)`;
    a function that does nothing when the bar is not shown (see `shown`)."""
    stream = sys.stderr if stream is None else stream
    if not shown(stream, quiet=quiet):
        yield lambda _rows: None
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
        yield lambda rows: bar.advance(task, rows)

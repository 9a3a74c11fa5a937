"""Progress of long commands: drawn on a terminal only, never when quiet or redirected."""

from __future__ import annotations

import io

from essaim.core.progress import progress, shown


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_with_rows_done_and_time_left():
    stream = Terminal()
    with progress("Structures générées", total=1000, stream=stream) as advance:
        for _ in range(4):
            advance(250)
    drawn = stream.getvalue()
    assert "Structures générées" in drawn and "1000/1000" in drawn and "lignes/s" in drawn


def test_nothing_is_drawn_when_quiet_or_not_a_terminal():
    for stream, quiet in ((Terminal(), True), (io.StringIO(), False)):
        assert not shown(stream, quiet=quiet)
        with progress("Lignes lues", total=10, quiet=quiet, stream=stream) as advance:
            advance(10)
        assert stream.getvalue() == ""


def test_the_total_can_be_given_once_known():
    stream = Terminal()
    with progress("Enregistrements lus", total=None, stream=stream) as advance:
        advance(0, total=3)
        for _ in range(3):
            advance(1)
    assert "3/3" in stream.getvalue()

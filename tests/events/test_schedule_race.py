"""The scheduler run against another facilitator's changes made while it solves (lost update).

The run reads its input, solves for up to seconds outside any transaction, then rewrites the meetings. A
meeting forced and locked by another facilitator meanwhile must survive: the run refuses to write and asks
to be run again. PostgreSQL runs the other facilitator in a second thread with its own connection.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from essaim.accounts.models import Organisation
from essaim.events import scheduling, services
from essaim.events.errors import SCHEDULE_CHANGED
from essaim.events.models import Meeting, MeetingRequest
from essaim.events.services import EventError
from tests.accounts.factories import MemberFactory
from tests.events.factories import meeting_event, register


def _accepted(requester, recipient):
    request = services.meeting_request_create(
        actor=None, requester=requester, recipient=recipient, priority=2
    )
    return services.meeting_request_decide(actor=None, request=request, accept=True)


def _world() -> tuple[Any, dict[str, Any], Meeting]:
    """Two meetings planned; then the first request is cancelled, so a new run would drop its meeting."""
    event = meeting_event()
    regs = {
        "B0": register(event, MemberFactory(kind=Organisation.Kind.BUYER, admin=True)),
        "B1": register(event, MemberFactory(kind=Organisation.Kind.BUYER, admin=True)),
        "S0": register(event, MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True)),
        "S1": register(event, MemberFactory(kind=Organisation.Kind.SUPPLIER, admin=True)),
    }
    first = _accepted(regs["B0"], regs["S0"])
    _accepted(regs["B1"], regs["S1"])
    services.schedule_run(actor=None, event=event, time_limit=5)
    meeting = Meeting.objects.get(event=event, a__in=[regs["B0"], regs["S0"]], b__in=[regs["B0"], regs["S0"]])
    services.meeting_request_cancel(actor=None, request=first)
    return event, regs, meeting


def _while_solving(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> None:
    """Run `meanwhile` after the scheduler has read its input and solved, before the result is written."""
    real_solve = scheduling.solve

    def solve(*args: Any, **kwargs: Any) -> Any:
        result = real_solve(*args, **kwargs)
        meanwhile()
        return result

    monkeypatch.setattr(scheduling, "solve", solve)


def _other_facilitator_keeps(regs: dict[str, Any], meeting: Meeting) -> None:
    services.meeting_force(actor=None, requester=regs["B0"], recipient=regs["S0"])
    services.meeting_lock(actor=None, meeting=meeting, locked=True)


def _assert_kept(event: Any, meeting: Meeting) -> None:
    kept = Meeting.objects.filter(pk=meeting.pk).first()
    assert kept is not None, "the meeting forced and locked meanwhile was deleted by the run"
    assert kept.locked and kept.slot == meeting.slot
    # Run again: now the forced, locked meeting is part of the input and stays where it is.
    services.schedule_run(actor=None, event=event, time_limit=5)
    again = Meeting.objects.get(pk=meeting.pk)
    assert again.locked and again.slot == meeting.slot
    assert MeetingRequest.objects.filter(forced=True, status=MeetingRequest.Status.ACCEPTED).count() == 1


@pytest.mark.django_db
def test_a_meeting_locked_and_forced_while_the_scheduler_solves_is_not_lost(monkeypatch) -> None:
    event, regs, meeting = _world()
    _while_solving(monkeypatch, lambda: _other_facilitator_keeps(regs, meeting))
    with pytest.raises(EventError, match=re.escape(SCHEDULE_CHANGED)):
        services.schedule_run(actor=None, event=event, time_limit=5)
    monkeypatch.undo()
    _assert_kept(event, meeting)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_another_facilitator_in_another_connection_locks_a_meeting_during_the_run(
    monkeypatch,
) -> None:
    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: run with DATABASE_URL=postgres://… (SQLite runs deselect this test)")
    event, regs, meeting = _world()
    errors: list[BaseException] = []

    def other_facilitator() -> None:
        try:
            _other_facilitator_keeps(regs, meeting)
        except BaseException as error:  # noqa: BLE001  (reported by the main thread)
            errors.append(error)
        finally:
            connection.close()

    def in_another_thread() -> None:
        thread = threading.Thread(target=other_facilitator)
        thread.start()
        thread.join(timeout=30)

    _while_solving(monkeypatch, in_another_thread)
    with pytest.raises(EventError, match=re.escape(SCHEDULE_CHANGED)):
        services.schedule_run(actor=None, event=event, time_limit=5)
    assert errors == []
    monkeypatch.undo()
    _assert_kept(event, meeting)

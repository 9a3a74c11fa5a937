"""Pages of the events capability. Thin: a named rule, a form, one service or selector, render.

One module per page family (events and stands, registrations and check-in, meetings for participants,
meeting planning for the facilitator); `urls.py` reaches every view through this package.

Files (the `.ics` invitation, badge and agenda PDFs) are alternative formats of an HTML page, asked for with
`?format=ics` or `?format=pdf`, so that every URL pattern is a page that can be opened and checked.
"""

from .event_pages import (
    event_create,
    event_detail,
    event_edit,
    event_list,
    exhibitors,
    programme_add,
    programme_delete,
    stand_delete,
    stand_edit,
    stands,
)
from .meeting_pages import (
    agenda,
    collaborations,
    meeting_outcome,
    meeting_profile,
    meeting_request_cancel,
    meeting_request_create,
    meeting_request_decide,
    participants,
)
from .meeting_planning_pages import (
    agendas_publish,
    meeting_force,
    meeting_lock,
    meetings_manage,
    schedule_run,
    table_plan,
)
from .registration_pages import (
    badges,
    checkin,
    checkin_mark,
    checkin_scan,
    event_register,
    registration_badge,
    registration_cancel,
    registration_detail,
    registrations,
)

__all__ = [
    "agenda",
    "agendas_publish",
    "badges",
    "checkin",
    "checkin_mark",
    "checkin_scan",
    "collaborations",
    "event_create",
    "event_detail",
    "event_edit",
    "event_list",
    "event_register",
    "exhibitors",
    "meeting_force",
    "meeting_lock",
    "meeting_outcome",
    "meeting_profile",
    "meeting_request_cancel",
    "meeting_request_create",
    "meeting_request_decide",
    "meetings_manage",
    "participants",
    "programme_add",
    "programme_delete",
    "registration_badge",
    "registration_cancel",
    "registration_detail",
    "registrations",
    "schedule_run",
    "stand_delete",
    "stand_edit",
    "stands",
    "table_plan",
]

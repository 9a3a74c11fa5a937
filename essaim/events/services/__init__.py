"""Writes of the events capability. Keyword-only, atomic, audited; emails sent on commit.

One module per family of writes; every public name is importable from `essaim.events.services`:
- `event_setup`: events, programme, stands;
- `registrations`: signed links, registration, cancellation and the waiting list, check-in;
- `meeting_requests`: meeting profiles, requests, decisions, forced meetings;
- `meeting_planning`: slots and tables, the scheduler run, agendas, locks, outcomes.
"""

from ..errors import EventError
from .event_setup import (
    EVENT_FIELDS,
    event_create,
    event_update,
    programme_item_add,
    programme_item_delete,
    stand_create,
    stand_delete,
    stand_update,
)
from .meeting_planning import (
    DEFAULT_TIME_LIMIT,
    FORCED_WEIGHT,
    MUTUAL_BONUS,
    agenda_signature,
    agendas_publish,
    meeting_lock,
    meeting_outcome_set,
    meeting_setup_update,
    schedule_input,
    schedule_run,
)
from .meeting_requests import (
    meeting_force,
    meeting_profile_update,
    meeting_request_cancel,
    meeting_request_create,
    meeting_request_decide,
)
from .registrations import (
    CANCEL_SALT,
    CHECKIN_SALT,
    allowed_roles,
    registration_cancel,
    registration_cancel_token,
    registration_check_in,
    registration_check_in_token,
    registration_create,
    registration_from_token,
    role_for,
)

__all__ = [
    "CANCEL_SALT",
    "CHECKIN_SALT",
    "DEFAULT_TIME_LIMIT",
    "EVENT_FIELDS",
    "FORCED_WEIGHT",
    "MUTUAL_BONUS",
    "EventError",
    "agenda_signature",
    "allowed_roles",
    "agendas_publish",
    "event_create",
    "event_update",
    "meeting_force",
    "meeting_lock",
    "meeting_outcome_set",
    "meeting_profile_update",
    "meeting_request_cancel",
    "meeting_request_create",
    "meeting_request_decide",
    "meeting_setup_update",
    "programme_item_add",
    "programme_item_delete",
    "registration_cancel",
    "registration_cancel_token",
    "registration_check_in",
    "registration_check_in_token",
    "registration_create",
    "registration_from_token",
    "role_for",
    "schedule_input",
    "schedule_run",
    "stand_create",
    "stand_delete",
    "stand_update",
]

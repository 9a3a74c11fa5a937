"""Named permission rules of the events capability (django-rules). One rule per action."""

from __future__ import annotations

from typing import Any

import rules

from essaim.accounts.acting import memberships_by_organisation
from essaim.accounts.perms import is_admin_of, is_facilitator, is_member_of

from .models import Meeting, MeetingRequest, Registration, Stand


@rules.predicate
def has_organisation(user: Any) -> bool:
    return bool(memberships_by_organisation(user))


@rules.predicate
def owns_registration(user: Any, registration: Registration | None) -> bool:
    return registration is not None and getattr(user, "pk", None) == registration.user_id


@rules.predicate
def administers_registration(user: Any, registration: Registration | None) -> bool:
    return registration is not None and is_admin_of(user, registration.organisation)


@rules.predicate
def is_request_recipient(user: Any, request: MeetingRequest | None) -> bool:
    return request is not None and getattr(user, "pk", None) == request.recipient.user_id


@rules.predicate
def is_request_requester(user: Any, request: MeetingRequest | None) -> bool:
    return request is not None and getattr(user, "pk", None) == request.requester.user_id


@rules.predicate
def takes_part_in_meeting(user: Any, meeting: Meeting | None) -> bool:
    pk = getattr(user, "pk", None)
    return meeting is not None and pk is not None and pk in (meeting.a.user_id, meeting.b.user_id)


@rules.predicate
def exhibits_at(user: Any, stand: Stand | None) -> bool:
    return stand is not None and is_member_of(user, stand.organisation)


@rules.predicate
def is_confirmed_participant(user: Any, event: Any) -> bool:
    if event is None or not getattr(user, "is_authenticated", False):
        return False
    return Registration.objects.confirmed().filter(event=event, user=user).exists()


rules.add_perm("events.manage_event", is_facilitator)
rules.add_perm("events.register", has_organisation)
rules.add_perm("events.view_registration", owns_registration | administers_registration | is_facilitator)
rules.add_perm("events.edit_meeting_profile", owns_registration | is_facilitator)
rules.add_perm("events.browse_participants", is_confirmed_participant | is_facilitator)
rules.add_perm("events.request_meeting", owns_registration)
rules.add_perm("events.decide_meeting_request", is_request_recipient | is_facilitator)
rules.add_perm("events.cancel_meeting_request", is_request_requester | is_facilitator)
rules.add_perm("events.mark_meeting_outcome", takes_part_in_meeting | is_facilitator)
# Facilitators see all the event's collaborations; a member of an organisation sees its own.
# Exhibitors (members of the stand's organisation) edit their own stand's pitch and sectors.
rules.add_perm("events.edit_stand", exhibits_at | is_facilitator)
rules.add_perm("events.view_collaborations", has_organisation | is_facilitator)

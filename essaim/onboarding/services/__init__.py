"""Writes of onboarding, one module per family: `signup` (accounts opened by their owners), `join_requests`
(joining or proposing a buyer or partner organisation) and `invitations` (the facilitators' console).
Keyword-only, atomic, audited. The public names are re-exported here."""

from essaim.onboarding.services.invitations import (
    ALREADY_INVITED,
    ALREADY_MEMBER,
    OUTCOME_LABELS,
    REJECTED,
    SENT,
    ImportReport,
    ImportRow,
    InviteOutcome,
    invitations_import,
    kind_from_text,
    organisation_invite,
)
from essaim.onboarding.services.join_requests import (
    JOINABLE_KINDS,
    has_admin,
    join_request_approve,
    join_request_create,
    join_request_reject,
    organisation_propose,
)
from essaim.onboarding.services.signup import (
    INVALID_LINK,
    is_waiting_for_confirmation,
    signup_confirm,
    signup_create,
    user_for_confirmation,
)

__all__ = [
    "ALREADY_INVITED",
    "ALREADY_MEMBER",
    "INVALID_LINK",
    "JOINABLE_KINDS",
    "OUTCOME_LABELS",
    "REJECTED",
    "SENT",
    "ImportReport",
    "ImportRow",
    "InviteOutcome",
    "has_admin",
    "invitations_import",
    "is_waiting_for_confirmation",
    "join_request_approve",
    "join_request_create",
    "join_request_reject",
    "kind_from_text",
    "organisation_invite",
    "organisation_propose",
    "signup_confirm",
    "signup_create",
    "user_for_confirmation",
]

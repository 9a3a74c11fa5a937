"""Writes of the sourcing capability, one module per family: `needs` (needs, their states, attachments,
contracts), `answers` (suppliers' answers, reminders, questions and their published answers), `interests`
(interest in forecasts, forecast → need), `preferences` (a structure's emails). The public names are
re-exported here."""

from essaim.sourcing.errors import AnswerError, NeedError
from essaim.sourcing.services.answers import answer_record, need_remind, question_reply
from essaim.sourcing.services.interests import (
    forecast_interest_mark,
    forecast_interest_withdraw,
    need_from_forecast,
)
from essaim.sourcing.services.needs import (
    ATTACHMENT_KINDS,
    MAX_ATTACHMENT_SIZE,
    MAX_ATTACHMENTS,
    MAX_REMINDERS,
    TRANSITIONS,
    NeedData,
    attachment_add,
    check_attachment,
    contract_record,
    need_close,
    need_create,
    need_problems,
    need_publish,
    need_put,
    need_reject,
    need_submit,
    need_update,
    need_validate,
    validation_required,
)
from essaim.sourcing.services.preferences import emails_stop, preference_update

__all__ = [
    "ATTACHMENT_KINDS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_SIZE",
    "MAX_REMINDERS",
    "TRANSITIONS",
    "AnswerError",
    "NeedData",
    "NeedError",
    "answer_record",
    "attachment_add",
    "check_attachment",
    "contract_record",
    "emails_stop",
    "forecast_interest_mark",
    "forecast_interest_withdraw",
    "need_close",
    "need_create",
    "need_from_forecast",
    "need_problems",
    "need_publish",
    "need_put",
    "need_reject",
    "need_remind",
    "need_submit",
    "need_update",
    "need_validate",
    "preference_update",
    "question_reply",
    "validation_required",
]

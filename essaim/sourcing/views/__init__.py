"""Pages of the sourcing capability: needs (write, publish, close), matches and reservation advice, answers,
follow-up, preferences, purchase forecasts. Thin: rule, form, one service or selector, render.

Files (attachments, CSV/XLSX exports) are served by the page they belong to with `?format=…` or
`?piece=…`, so every named URL is an HTML page. GET views never write, except the funnel steps (opened,
viewed): one conditional UPDATE that changes a row the first time only (`notifications.mark_step`).
"""

from .answers import answer_detail, need_answer, need_answers, need_follow_up, need_open, question_reply
from .forecasts import (
    forecast_create,
    forecast_detail,
    forecast_import,
    forecast_interest,
    forecast_list,
    forecast_to_need,
)
from .needs import (
    need_action,
    need_close,
    need_create,
    need_detail,
    need_list,
    need_mine,
    need_to_validate,
    need_update,
)
from .preferences import preferences, unsubscribe

__all__ = [
    "need_list",
    "need_mine",
    "need_to_validate",
    "need_create",
    "need_update",
    "need_detail",
    "need_action",
    "need_close",
    "need_answers",
    "need_answer",
    "answer_detail",
    "need_follow_up",
    "need_open",
    "question_reply",
    "unsubscribe",
    "preferences",
    "forecast_list",
    "forecast_detail",
    "forecast_create",
    "forecast_import",
    "forecast_interest",
    "forecast_to_need",
]

"""Pages of the cooperation capability: working groups, pooling, support offers. Thin: rule, form, service.

One module per page family (`home`, `group_pages`, `pooling_pages`, `support_pages`); `urls.py` reaches
every view through this package.

Files (CSV, iCalendar, PDF, shared documents) are served by the page they belong to with `?format=…`, so
that every named URL is an HTML page (the URL matrix and the accessibility scan open them all).
"""

from .group_pages import (
    action_comment,
    action_create,
    action_update,
    document_detail,
    document_upload,
    group_create,
    group_detail,
    group_flows,
    group_join,
    group_list,
    group_update,
    meeting_create,
    member_decide,
    member_role,
    member_type,
)
from .home import (
    home,
)
from .pooling_pages import (
    booking_cancel,
    booking_create,
    booking_decide,
    booking_detail,
    my_pooling,
    request_create,
    resource_create,
    resource_detail,
    resource_list,
    resource_update,
    resource_withdraw,
)
from .support_pages import (
    support_create,
    support_detail,
    support_list,
    support_update,
    support_withdraw,
)

__all__ = [
    "action_comment",
    "action_create",
    "action_update",
    "booking_cancel",
    "booking_create",
    "booking_decide",
    "booking_detail",
    "document_detail",
    "document_upload",
    "group_create",
    "group_detail",
    "group_flows",
    "group_join",
    "group_list",
    "group_update",
    "home",
    "meeting_create",
    "member_decide",
    "member_role",
    "member_type",
    "my_pooling",
    "request_create",
    "resource_create",
    "resource_detail",
    "resource_list",
    "resource_update",
    "resource_withdraw",
    "support_create",
    "support_detail",
    "support_list",
    "support_update",
    "support_withdraw",
]

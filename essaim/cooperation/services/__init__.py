"""Every write of the cooperation capability. Keyword-only, atomic, audited; emails sent after commit.

One module per family of writes (working groups, pooling, support offers); every public name is importable
from `essaim.cooperation.services`. `acting` holds what they share; emails go through `essaim.core.mail`.
"""

from ..errors import (
    BookingConflictError,
    CooperationError,
)
from .pooling import (
    booking_accept,
    booking_cancel,
    booking_decline,
    booking_request,
    resource_publish,
    resource_request_publish,
    resource_update,
    resource_withdraw,
)
from .support_offers import (
    support_offer_publish,
    support_offer_update,
    support_offer_withdraw,
)
from .working_groups import (
    GROUP_EDITABLE_FIELDS,
    action_comment_add,
    group_action_create,
    group_action_set_status,
    group_create,
    group_document_upload,
    group_join,
    group_meeting_record,
    group_member_decide,
    group_member_set_role,
    group_member_set_type,
    group_update,
    material_flow_declare,
)

__all__ = [
    "BookingConflictError",
    "CooperationError",
    "GROUP_EDITABLE_FIELDS",
    "action_comment_add",
    "booking_accept",
    "booking_cancel",
    "booking_decline",
    "booking_request",
    "group_action_create",
    "group_action_set_status",
    "group_create",
    "group_document_upload",
    "group_join",
    "group_meeting_record",
    "group_member_decide",
    "group_member_set_role",
    "group_member_set_type",
    "group_update",
    "material_flow_declare",
    "resource_publish",
    "resource_request_publish",
    "resource_update",
    "resource_withdraw",
    "support_offer_publish",
    "support_offer_update",
    "support_offer_withdraw",
]

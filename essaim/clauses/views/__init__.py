"""Pages of the social clauses capability. Thin: rule, form, service or selector, render.

One module per page family (`contracts`, `declarations`, `people`, `dashboards`); `urls.py` reaches every
view through this package. Files (CSV, XLSX) are served by the page they belong to with `?format=…`; the
right-of-access download (JSON) is its own URL.
"""

from .contracts import (
    contract_create,
    contract_detail,
    contract_parties,
    contract_update,
    home,
    statement_validate,
    to_validate,
)
from .dashboards import (
    dashboard_buyer,
    dashboard_holder,
    dashboard_portfolio,
    dashboard_territory,
    yearly_export,
)
from .declarations import declaration_correct, statement_edit, statement_link
from .people import (
    access_log,
    mission_create,
    mission_pathway,
    notice,
    participant_detail,
    participant_erase,
    participant_export,
    participant_update,
)

__all__ = [
    "access_log",
    "contract_create",
    "contract_detail",
    "contract_parties",
    "contract_update",
    "dashboard_buyer",
    "dashboard_holder",
    "dashboard_portfolio",
    "dashboard_territory",
    "declaration_correct",
    "home",
    "mission_create",
    "mission_pathway",
    "notice",
    "participant_detail",
    "participant_erase",
    "participant_export",
    "participant_update",
    "statement_edit",
    "statement_link",
    "statement_validate",
    "to_validate",
    "yearly_export",
]

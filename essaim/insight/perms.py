"""Named permission rules of the insight capability (django-rules). One rule per action.

Reports are computed from open data (the DECP are published under the Licence Ouverte): every member of
a buyer, partner, supplier or territory organisation may read them. Suppliers included on purpose: seeing
where a buyer spends without any social consideration is how an ESS structure prepares its offer, and the
report only shows public facts about public buyers. The rejected records (raw published data with the
reasons of the cleaning) are a work tool of the facilitators only.
"""

from __future__ import annotations

import rules

from essaim.accounts.perms import is_buyer, is_facilitator, is_partner, is_supplier

can_view_reports = is_buyer | is_partner | is_supplier | is_facilitator

rules.add_perm("insight.view_report", can_view_reports)
rules.add_perm("insight.view_rejected", is_facilitator)

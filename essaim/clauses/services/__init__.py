"""Every write of the social clauses capability. Keyword-only, atomic, audited (without identities).

One module per family of writes: contracts (and the organisations behind a SIRET), participants and
missions, monthly declarations, personal data (erasure, purge). Every public name is importable from
`essaim.clauses.services`.
"""

from essaim.directory.services import find_organisation, organisation_for_siret, valid_siret

from ..errors import ClauseError, StatementLockedError
from .contracts import (
    ContractData,
    computed_hours,
    contract_create,
    contract_data_of,
    contract_lot_add,
    contract_lot_remove,
    contract_party_add,
    contract_party_remove,
    contract_save,
    contract_update,
)
from .declarations import (
    Line,
    check_hours,
    check_month,
    declaration_correct,
    declaration_import,
    statement_mark_sent,
    statement_submit,
    statement_validate,
)
from .participants import (
    IdentityData,
    ProfileData,
    check_reference,
    eligibility_validate,
    identity_read,
    identity_save,
    mission_create,
    mission_set_modality,
    next_reference,
    participant_create,
    participant_update,
    pathway_record,
)
from .privacy import identities_due, identities_purge, participant_erase, retention_years
from .reminders import declarants, monthly_links_send, reminders_send

__all__ = [
    "ClauseError",
    "ContractData",
    "IdentityData",
    "Line",
    "ProfileData",
    "StatementLockedError",
    "check_hours",
    "check_month",
    "check_reference",
    "computed_hours",
    "contract_create",
    "contract_data_of",
    "contract_lot_add",
    "contract_lot_remove",
    "contract_save",
    "contract_party_add",
    "contract_party_remove",
    "contract_update",
    "declarants",
    "declaration_correct",
    "declaration_import",
    "eligibility_validate",
    "find_organisation",
    "identities_due",
    "identities_purge",
    "identity_read",
    "identity_save",
    "mission_create",
    "mission_set_modality",
    "monthly_links_send",
    "next_reference",
    "organisation_for_siret",
    "participant_create",
    "participant_erase",
    "participant_update",
    "pathway_record",
    "reminders_send",
    "retention_years",
    "statement_mark_sent",
    "statement_submit",
    "statement_validate",
    "valid_siret",
]

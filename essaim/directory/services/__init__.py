"""Writes of the directory, one module per family: `structures` (structures, activities, moderation),
`profiles` (a structure's own edit page, with its images) and `claims`. Keyword-only, atomic, audited.
The public names are re-exported here."""

from essaim.directory.errors import DirectoryError
from essaim.directory.services.claims import (
    PROPOSAL_SOURCE,
    claim_approve,
    claim_reject,
    claim_request,
    structure_propose,
)
from essaim.directory.services.organisations import find_organisation, organisation_for_siret, valid_siret
from essaim.directory.services.profiles import MediaInput, structure_edit
from essaim.directory.services.review import (
    IMPORT_SOURCES,
    imported_awaiting_review,
    imported_structure_approve,
    imported_structure_reject,
    profile_report,
    profile_report_dismiss,
    profile_report_uphold,
)
from essaim.directory.services.structures import (
    ALLOWED_TRANSITIONS,
    LIST_FIELDS,
    SCALAR_FIELDS,
    ActivityInput,
    WriteResult,
    structure_create,
    structure_delist,
    structure_publish,
    structure_refresh_derived,
    structure_set_status,
    structure_update,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "IMPORT_SOURCES",
    "imported_awaiting_review",
    "imported_structure_approve",
    "imported_structure_reject",
    "profile_report",
    "profile_report_dismiss",
    "profile_report_uphold",
    "LIST_FIELDS",
    "PROPOSAL_SOURCE",
    "SCALAR_FIELDS",
    "ActivityInput",
    "DirectoryError",
    "MediaInput",
    "WriteResult",
    "claim_approve",
    "claim_reject",
    "claim_request",
    "find_organisation",
    "organisation_for_siret",
    "structure_create",
    "structure_delist",
    "structure_edit",
    "structure_propose",
    "structure_publish",
    "structure_refresh_derived",
    "structure_set_status",
    "structure_update",
    "valid_siret",
]

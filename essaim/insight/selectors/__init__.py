"""Reads of the insight capability: the DuckDB store (contracts, rejected records, the renewal radar),
the few Django lookups the reports need (EPCI members, buyer names, the territory's buyers), and the
buyers' spend files.

Pages open the store read-only (`settings.INSIGHT_DB`); a missing or busy store raises
`StoreUnavailable`, which the pages turn into a French message, never a 500. One module per family; the
public names are re-exported here (`from essaim.insight import selectors; selectors.report_for(...)`).
"""

from ..errors import StoreUnavailable
from .buyers import BuyerChoice, buyer_label, epci_member_sirens, names_by_siren, territory_buyers, town
from .contracts import (
    ContractRecord,
    ContractWon,
    RejectedRecord,
    available_years,
    contract_record,
    contracts_won_by,
    rejected_records,
    store_summary,
)
from .outcomes import ContractCandidate, buyer_contracts, contract_by_key, proposed_contracts
from .radar import (
    NO_END_DATES,
    RenewalFilters,
    RenewalLine,
    buyer_organisation,
    filter_renewals,
    forecast_initial,
    renewal_line,
    renewals_for,
)
from .reports import (
    CollaborationLine,
    collaborations_of,
    holder_names,
    report_for,
    territory_structures,
    territory_structures_for_sectors,
)
from .spend import (
    Breakdown,
    Part,
    SpendShares,
    SupplierLine,
    buyers_with_spend,
    spend_import_of,
    spend_shares,
    spend_years,
    territory_communes,
)
from .store_access import open_store

__all__ = [
    "ContractCandidate",
    "buyer_contracts",
    "contract_by_key",
    "proposed_contracts",
    "Breakdown",
    "Part",
    "SpendShares",
    "SupplierLine",
    "buyers_with_spend",
    "spend_import_of",
    "spend_shares",
    "spend_years",
    "territory_communes",
    "NO_END_DATES",
    "BuyerChoice",
    "CollaborationLine",
    "ContractRecord",
    "ContractWon",
    "RejectedRecord",
    "RenewalFilters",
    "RenewalLine",
    "StoreUnavailable",
    "available_years",
    "buyer_label",
    "buyer_organisation",
    "collaborations_of",
    "contract_record",
    "contracts_won_by",
    "epci_member_sirens",
    "filter_renewals",
    "forecast_initial",
    "holder_names",
    "names_by_siren",
    "open_store",
    "rejected_records",
    "renewal_line",
    "renewals_for",
    "report_for",
    "store_summary",
    "territory_buyers",
    "territory_structures",
    "territory_structures_for_sectors",
    "town",
]

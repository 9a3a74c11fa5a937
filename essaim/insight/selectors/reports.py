"""The SPASER report with what the transactional database knows: the territory's structures of an
opportunity, the collaborations, the holders' names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
from django.conf import settings
from django.db.models import Q, QuerySet

from essaim.accounts.models import Organisation
from essaim.directory.models import Structure
from essaim.directory.references import RESERVATIONS
from essaim.directory.selectors import SearchFilters, filtered_structures
from essaim.sourcing.collaborations import OutcomeYear, buyer_collaborations, outcomes_by_year

from .. import sections
from ..models import SpendImport
from ..report import ReportSources, build_report
from .buyers import buyer_label, epci_member_sirens
from .spend import spend_shares

# --- the report, with what the transactional database knows ---------------------------------------------


def territory_structures(sectors: list[str]) -> Any:
    """Published directory structures working in the territory (`ESSAIM_BRAND["territory_perimeter"]`,
    the directory's `works_in`) in one of `sectors` (top-level slugs): the structures able to answer of
    the report's opportunities and of the renewal radar."""
    perimeter = settings.ESSAIM_BRAND.get("territory_perimeter", "")
    return filtered_structures(SearchFilters(sectors=tuple(sectors), works_in=perimeter)).order_by(
        "name_normalised", "pk"
    )


def territory_structures_for_sectors(sectors: list[str]) -> list[dict[str, Any]]:
    """Published directory structures working in the territory in one of `sectors` (top-level slugs)."""
    if not sectors:
        return []
    rows = territory_structures(sectors).values(
        "pk", "name", "commune__name", "eligible_l2113_12", "eligible_l2113_13", "eligible_l2113_15"
    )
    found = []
    for row in rows:
        eligible: dict[str, Any] = dict(row)
        found.append(
            {
                "pk": row["pk"],
                "name": row["name"],
                "commune": row["commune__name"] or "",
                "reservations": [c for c in RESERVATIONS if eligible[f"eligible_{c.replace('-', '_')}"]],
            }
        )
    return found


@dataclass(frozen=True)
class CollaborationLine:
    date: date
    buyer: str
    supplier: str
    structure: str
    source: str
    status: str
    amount: float | None


def buyer_organisations(sirens: list[str]) -> QuerySet[Organisation]:
    """The buyer organisations of these SIRENs (or SIRET: that establishment, or its SIREN without one)."""
    sirets = [s for s in sirens if len(s) == 14]
    match = (
        Q(siren__in=[s for s in sirens if len(s) == 9])
        | Q(siret__in=sirets)
        | Q(siret="", siren__in=[s[:9] for s in sirets])
    )
    return Organisation.objects.filter(match, kind=Organisation.Kind.BUYER)


def collaborations_of(sirens: list[str], year: int) -> list[CollaborationLine]:
    """Collaborations recorded by sourcing and events for the buyer organisations of these SIRENs/SIRET."""
    rows = buyer_collaborations(buyer_organisations(sirens), year)
    return [
        CollaborationLine(
            date=row.date,
            buyer=row.buyer.name,
            supplier=row.supplier.name,
            structure=row.structure.name if row.structure else "",
            source=row.get_source_display(),
            status=row.get_status_display(),
            amount=float(row.amount) if row.amount is not None else None,
        )
        for row in rows
    ]


def holder_names(sirens: Any) -> dict[str, str]:
    wanted = [s for s in sirens if s]
    names: dict[str, str] = {}
    for siren, name in Structure.objects.filter(siren__in=wanted).values_list("siren", "name"):
        names.setdefault(siren, name)
    return names


def outcomes_of(sirens: list[str]) -> list[OutcomeYear]:
    """Per year and source, the meetings and needs of these buyers that led to a collaboration and to a
    notified public contract, with the contracts' amount."""
    return outcomes_by_year(buyers=buyer_organisations(sirens))


def spend_shares_of(sirens: list[str], year: int) -> list[dict[str, Any]]:
    """The spend shares of that year of the buyer organisations of these SIRENs/SIRET, one per buyer that
    imported its spend file: shares only, never a supplier's amount (the report is read by everyone)."""
    records = SpendImport.objects.filter(buyer__in=buyer_organisations(sirens), year=year).select_related(
        "buyer"
    )
    return [
        {"buyer": record.buyer.name, **spend_shares(record, with_previous=False).public()}
        for record in records.order_by("buyer__name", "pk")
    ]


def report_for(con: duckdb.DuckDBPyConnection, *, buyer: str, year: int) -> Any:
    """The SPASER report of `buyer` for `year`, with names, opportunities' structures, collaborations."""
    return build_report(
        con,
        buyer=buyer,
        year=year,
        buyer_sirets_resolver=epci_member_sirens,
        sources=ReportSources(
            structures_for_sectors=territory_structures_for_sectors,
            collaborations=collaborations_of,
            holder_names=holder_names,
            extra_sections=sections.build_all,
            spend_shares=spend_shares_of,
            outcomes=outcomes_of,
        ),
        label=buyer_label(buyer),
    )

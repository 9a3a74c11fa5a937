"""Writes of the insight capability on the transactional database, always through the services of the app
that owns the data (the DuckDB side never writes there: the store is only read, here, to pre-fill).

- `forecast_from_renewal`: a purchase forecast (sourcing) pre-filled from a contract of the renewal radar,
  published for its buyer by the buyer itself or by a facilitator on its behalf.
- `spend_import`: a buyer's yearly spend file (its own accounting export), aggregated by supplier and
  matched to the directory by SIREN; the file itself is not kept, only the suppliers' rows and the
  rejected rows with their reasons. It replaces that buyer-year's previous import.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action
from essaim.core.db_rules import without_nul
from essaim.core.spreadsheets import Limits, read_table
from essaim.directory.models import Structure
from essaim.directory.services import organisation_for_siret
from essaim.sourcing.forecasts import ForecastData, forecast_create

from . import spending
from .errors import InsightError
from .models import SpendImport, SpendSupplier
from .selectors import RenewalLine, buyer_organisation


@transaction.atomic
def forecast_from_renewal(
    *, actor: Actor, acting: Organisation | None, line: RenewalLine, data: ForecastData
) -> Any:
    """Publish the forecast of the contract that `line` ends; returns the `PurchaseForecast`.

    The buyer is the acting organisation when it is the contract's buyer (same SIREN); otherwise (a
    facilitator) the buyer organisation of the contract's SIRET, created from it when Essaim does not know
    it yet. The structures following the forecast's sector get it in their next weekly digest."""
    contract = line.contract
    acting_siren = (acting.siren or acting.siret[:9]) if acting is not None else ""
    if acting is not None and acting.kind == Organisation.Kind.BUYER and acting_siren == contract.buyer_siren:
        buyer = acting
    else:
        buyer = buyer_organisation(contract.buyer_siret) or organisation_for_siret(
            actor=actor, siret=contract.buyer_siret, kind=Organisation.Kind.BUYER, name=line.buyer_name
        )
    forecast = forecast_create(actor=actor, buyer=buyer, data=data)
    log_action(
        actor=actor,
        action="forecast.from_renewal",
        target=forecast,
        organisation_id=buyer.pk,
        data={
            "buyer_siret": contract.buyer_siret,
            "contract": contract.id,
            "ends": contract.ends.isoformat(),
        },
    )
    return forecast


SPEND_LIMITS = Limits(
    max_rows=200_000,
    max_read_rows=400_000,
    max_columns=60,
    max_xlsx_expanded_mb=150,
    what="fichier de dépenses",
)


def spend_buyer(*, actor: Actor, siret: str) -> Organisation:
    """The buyer organisation of a SIRET (that SIRET, else the only buyer of its SIREN), created from the
    SIRET when Essaim does not know it yet."""
    found = buyer_organisation(siret.strip().replace(" ", ""))
    if found is not None:
        return found
    return organisation_for_siret(actor=actor, siret=siret, kind=Organisation.Kind.BUYER)


def _structures_by_siren(sirens: set[str]) -> dict[str, Structure]:
    """The directory structure of each SIREN (the directory's services set it from the SIRET), a
    published one first; delisted structures are left out. Read by chunks (SQLite's variable limit)."""
    found: dict[str, Structure] = {}
    ordered = sorted(sirens)
    for start in range(0, len(ordered), 1000):
        rows = Structure.objects.exclude(status=Structure.Status.DELISTED).filter(
            siren__in=ordered[start : start + 1000]
        )
        for structure in rows.order_by("pk").only("pk", "siren", "status"):
            current = found.get(structure.siren)
            published = structure.status == Structure.Status.PUBLISHED
            if current is None or (published and current.status != Structure.Status.PUBLISHED):
                found[structure.siren] = structure
    return found


@transaction.atomic
def spend_import(
    *, actor: Actor, buyer: Organisation, year: int, ttc: bool, filename: str, raw: bytes
) -> SpendImport:
    """Read the buyer's spend file of `year` and replace that buyer-year's previous import."""
    if buyer.kind != Organisation.Kind.BUYER:
        raise InsightError("Seul un acheteur public importe ses dépenses.", field="buyer")
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise InsightError(f"L'année doit être comprise entre 2000 et {this_year}.", field="year")
    try:
        parsed = spending.aggregate(read_table(filename, raw, SPEND_LIMITS, error=InsightError), year=year)
    except spending.SpendFileError as error:
        raise InsightError(error.message, field="file") from error
    structures = _structures_by_siren({s.siren for s in parsed.suppliers if s.siren})
    SpendImport.objects.filter(buyer=buyer, year=year).delete()
    record = SpendImport.objects.create(
        buyer=buyer,
        year=year,
        ttc=ttc,
        filename=without_nul(filename)[:200],
        created_by=acting_user(actor),
        rows=parsed.rows,
        rejected=[
            without_nul({"ligne": r.line, "motif": r.reason, "donnees": r.data}) for r in parsed.rejections
        ],
        total=parsed.total,
    )
    SpendSupplier.objects.bulk_create(
        [
            SpendSupplier(
                spend=record,
                siren=supplier.siren,
                siret=supplier.siret,
                name=without_nul(supplier.name)[:200],
                amount=supplier.amount,
                invoices=supplier.rows,
                structure=structures.get(supplier.siren),
            )
            for supplier in parsed.suppliers
        ],
        batch_size=2000,
    )
    log_action(
        actor=actor,
        action="spend.imported",
        target=record,
        organisation_id=buyer.pk,
        data={"year": year, **spend_counts(record)},
    )
    return record


def spend_counts(record: SpendImport) -> dict[str, int]:
    """`{"rows", "suppliers", "matched", "rejected"}` of an import (what `essaim spend_import` prints)."""
    suppliers = record.suppliers.count()
    matched = record.suppliers.filter(structure__isnull=False).count()
    return {"rows": record.rows, "suppliers": suppliers, "matched": matched, "rejected": len(record.rejected)}

"""Writes of the insight capability on the transactional database, always through the services of the app
that owns the data (the DuckDB side never writes there: the store is only read, here, to pre-fill).

- `forecast_from_renewal`: a purchase forecast (sourcing) pre-filled from a contract of the renewal radar,
  published for its buyer by the buyer itself or by a facilitator on its behalf.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from essaim.accounts.models import Organisation
from essaim.core.audit import log_action
from essaim.directory.services import organisation_for_siret
from essaim.sourcing.forecasts import ForecastData, forecast_create

from .selectors import RenewalLine, buyer_organisation


@transaction.atomic
def forecast_from_renewal(
    *, actor: Any, acting: Organisation | None, line: RenewalLine, data: ForecastData
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

"""The renewal radar with what the transactional database knows: sector, local structures able to
answer, holders' names, the reservation advice; a forecast pre-filled from a line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from essaim.accounts.models import Organisation
from essaim.directory.models import Sector
from essaim.directory.sector_mappings import SECTORS, sector_for_cpv
from essaim.sourcing.selectors import AdviceInputs, able_structures, advice_for_structures, band_for_amount
from essaim.territory.models import Commune, Epci

from .. import renewals
from ..errors import StoreUnavailable
from ..references import EU_THRESHOLDS
from .buyers import epci_member_sirens, names_by_siren
from .reports import holder_names, territory_structures

# --- the renewal radar ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalLine:
    """A marché ending in the window, with what the directory and the reservation advisor say of it."""

    contract: Any  # renewals.Renewal
    buyer_name: str
    sector: str  # top-level slug of the directory (sector_for_cpv), "" when the CPV maps to none
    sector_label: str
    local_structures: int
    holder_names: list[tuple[str, str]]  # (SIREN or identifier, directory name or "")
    ess_holder: bool
    inclusive_holder: bool
    advice: Any  # reservation.Recommendation | None (no advice without an amount)
    amount_band: str

    @property
    def reservable(self) -> bool:
        return self.advice is not None and self.advice.kind in ("reservation", "lot-reserve")

    def as_json(self) -> dict[str, Any]:
        c = self.contract
        return {
            "id": c.id,
            "buyer_siret": c.buyer_siret,
            "buyer": self.buyer_name,
            "object": c.object,
            "cpv": c.cpv,
            "purchase_type": c.purchase_type,
            "procedure": c.procedure,
            "notified_on": c.notified_on.isoformat(),
            "duration_months": c.duration_months,
            "ends": c.ends.isoformat(),
            "amount": c.amount,
            "holders": list(c.holders),
            "ess_holder": self.ess_holder,
            "inclusive_holder": self.inclusive_holder,
            "sector": self.sector or None,
            "local_structures": self.local_structures,
            "advice": self.advice.kind if self.advice else None,
            "article": self.advice.article if self.advice else None,
        }


def renewals_for(
    con: duckdb.DuckDBPyConnection, *, buyer: str, start: date, months: int = renewals.DEFAULT_MONTHS
) -> list[RenewalLine]:
    """The renewal radar of `buyer`: its marchés ending in `[start, start + months)`, by end date then id,
    each with its sector (the SPASER opportunities' CPV mapping), the territory's structures of that
    sector (how many could answer) and what the reservation advice would say for such a contract."""
    try:
        contracts = renewals.renewals(
            con, buyer=buyer, start=start, months=months, buyer_sirets_resolver=epci_member_sirens
        )
    except duckdb.BinderException as error:  # a store built before end dates existed, opened read-only
        raise StoreUnavailable(NO_END_DATES) from error
    return _lines(contracts)


NO_END_DATES = (
    "Les dates de fin des marchés ne sont pas encore calculées dans l'entrepôt : "
    "relancez l'import des DECP (essaim decp_import) pour les obtenir."
)


def renewal_line(con: duckdb.DuckDBPyConnection, *, buyer_siret: str, contract_id: str) -> RenewalLine | None:
    """One line of the radar by the contract's national key (any end date), or None."""
    try:
        found = renewals.renewal(con, buyer_siret=buyer_siret, contract_id=contract_id)
    except duckdb.BinderException as error:
        raise StoreUnavailable(NO_END_DATES) from error
    return _lines([found])[0] if found else None


@dataclass(frozen=True)
class RenewalFilters:
    sector: str = ""
    amount_band: str = ""
    purchase_type: str = ""
    reservable: bool = False


def filter_renewals(lines: list[RenewalLine], filters: RenewalFilters) -> list[RenewalLine]:
    return [
        line
        for line in lines
        if (not filters.sector or line.sector == filters.sector)
        and (not filters.amount_band or line.amount_band == filters.amount_band)
        and (not filters.purchase_type or line.contract.purchase_type == filters.purchase_type)
        and (not filters.reservable or line.reservable)
    ]


def _lines(contracts: list[renewals.Renewal]) -> list[RenewalLine]:
    buyers = names_by_siren({c.buyer_siren for c in contracts if c.buyer_siren})
    names = holder_names({siren for c in contracts for siren in c.holders})
    able_by_sector: dict[str, list[Any]] = {}
    lines = []
    for contract in contracts:
        slug = sector_for_cpv(contract.cpv or "") or ""
        if slug and slug not in able_by_sector:
            able_by_sector[slug] = able_structures(territory_structures([slug]))
        able = able_by_sector.get(slug, [])
        advice = (
            advice_for_structures(
                able, AdviceInputs(amount=contract.amount, duration_months=contract.duration_months)
            )
            if contract.amount is not None
            else None
        )
        lines.append(
            RenewalLine(
                contract=contract,
                buyer_name=buyers.get(contract.buyer_siren or "", f"Acheteur {contract.buyer_siret}"),
                sector=slug,
                sector_label=SECTORS[slug][0] if slug in SECTORS else "",
                local_structures=len(able),
                holder_names=[(siren, names.get(siren, "")) for siren in contract.holders]
                + [(other, "") for other in contract.other_holders],
                ess_holder=bool(contract.ess_holders),
                inclusive_holder=bool(contract.inclusive_holders),
                advice=advice,
                amount_band=band_for_amount(contract.amount) if contract.amount is not None else "",
            )
        )
    return lines


def forecast_initial(line: RenewalLine) -> dict[str, Any]:
    """A purchase forecast pre-filled from a contract ending soon: its object, the quarter it ends, its
    sector, amount band and place (the contract's commune, else the buyer's), the procedure the amount and
    the advice suggest, and the contract as the buyer's reference (one forecast per contract)."""
    contract = line.contract
    if line.advice is not None and line.advice.kind == "reservation":
        procedure = "reserve"
    elif contract.amount is not None and contract.amount >= EU_THRESHOLDS.get(
        contract.purchase_type or "", 221_000
    ):
        procedure = "formalisee"
    else:
        procedure = "mapa"
    place = contract.place_code or ""
    if not Commune.objects.filter(pk=place).exists():
        place = Commune.objects.filter(siren=contract.buyer_siren).values_list("code", flat=True).first() or (
            f"epci:{contract.buyer_siren}" if Epci.objects.filter(siren=contract.buyer_siren).exists() else ""
        )
    sector = Sector.objects.filter(slug=line.sector, parent__isnull=True).first() if line.sector else None
    return {
        "title": contract.object[:200] or f"Renouvellement du marché {contract.id}",
        "year": contract.ends.year,
        "quarter": (contract.ends.month - 1) // 3 + 1,
        "sector": sector.pk if sector else None,
        "amount_band": line.amount_band,
        "procedure": procedure,
        "place_code": place,
        "reference": f"DECP {contract.id}"[:60],
    }


def buyer_organisation(siret: str) -> Organisation | None:
    """The buyer organisation of a DECP buyer SIRET: that SIRET, else the only buyer of its SIREN."""
    found = Organisation.objects.filter(siret=siret, kind=Organisation.Kind.BUYER).first()
    if found is not None:
        return found
    same_siren = list(Organisation.objects.filter(siren=siret[:9], kind=Organisation.Kind.BUYER)[:2])
    return same_siren[0] if len(same_siren) == 1 else None

"""Reads of the insight capability: the DuckDB store (contracts, rejected records) and the few Django
lookups the reports need (EPCI members, buyer names, the territory's buyers).

Pages open the store read-only (`settings.INSIGHT_DB`); a missing or busy store raises
`StoreUnavailable`, which the pages turn into a French message, never a 500.
"""

# SQL text is built from the declared table names (tables.py) only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.db.models import Q

from essaim.accounts.models import Organisation
from essaim.directory.models import Sector, Structure
from essaim.directory.references import RESERVATIONS
from essaim.directory.sector_mappings import SECTORS, sector_for_cpv
from essaim.directory.selectors import SearchFilters, filtered_structures
from essaim.sourcing.collaborations import buyer_collaborations
from essaim.sourcing.selectors import AdviceInputs, able_structures, advice_for_structures, band_for_amount
from essaim.territory.models import Commune, Epci, PerimeterCommune

from . import renewals, store
from .indicators import InsightError
from .references import EU_THRESHOLDS
from .report import ReportSources, build_report
from .tables import CONTRACT_HOLDERS, CONTRACTS, REJECTED


class StoreUnavailable(InsightError):
    default_message = (
        "Les données de la commande publique ne sont pas encore disponibles : "
        "l'entrepôt n'a pas été importé ou il est en cours de mise à jour."
    )


@contextmanager
def open_store(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store (an empty in-memory store for `:memory:`)."""
    target = str(path if path is not None else settings.INSIGHT_DB)
    if target != ":memory:" and not Path(target).is_file():
        raise StoreUnavailable
    try:
        con = store.connect(target, read_only=True)
    except duckdb.Error as error:  # locked by an import, or not a DuckDB file
        raise StoreUnavailable from error
    try:
        yield con
    finally:
        con.close()


# --- buyers --------------------------------------------------------------------------------------------


def epci_member_sirens(epci_siren: str) -> list[str]:
    """SIRENs of the member communes of an EPCI/EPT, from the territory data."""
    epci = Epci.objects.filter(siren=epci_siren).first()
    if epci is None:
        raise InsightError(f"EPCI inconnu : {epci_siren}. Importez d'abord le découpage administratif.")
    return list(epci.communes.exclude(siren="").values_list("siren", flat=True))


def town(name: str) -> str:
    """« Ville de Vitry-sur-Seine », « Ville d'Ivry-sur-Seine », « Ville du Kremlin-Bicêtre »."""
    if name.startswith("Le "):
        return f"Ville du {name[3:]}"
    if name.startswith("Les "):
        return f"Ville des {name[4:]}"
    if name[:1] in "AEIOUYÉÈÊÂÎÔ":
        return f"Ville d'{name}"
    return f"Ville de {name}"


def names_by_siren(sirens: set[str] | list[str]) -> dict[str, str]:
    """Names of buyers by SIREN: EPCI/EPT, communes, then organisations of the platform."""
    wanted = {s for s in sirens if s}
    names: dict[str, str] = {}
    for siren, name in Organisation.objects.filter(siren__in=wanted).values_list("siren", "name"):
        names[siren] = name
    for siren, name in Commune.objects.filter(siren__in=wanted).values_list("siren", "name"):
        names.setdefault(siren, town(name))
    for siren, name, kind in Epci.objects.filter(siren__in=wanted).values_list("siren", "name", "kind"):
        names[siren] = f"{name} ({kind})" if kind else name
    return names


def buyer_label(buyer: str) -> str:
    """A readable name for a buyer identifier (SIRET, SIREN or epci:SIREN)."""
    value = buyer.strip().replace(" ", "")
    if value.startswith("epci:"):
        siren = value.removeprefix("epci:")
        name = names_by_siren([siren]).get(siren, f"EPCI {siren}")
        return f"{name} et ses communes membres"
    name = names_by_siren([value[:9]]).get(value[:9])
    if len(value) == 14:
        return f"{name} — établissement {value}" if name else f"Établissement {value}"
    return name or f"SIREN {value}"


@dataclass(frozen=True)
class BuyerChoice:
    value: str
    label: str


def territory_buyers() -> list[BuyerChoice]:
    """The territory's buyers: its EPCI/EPT as a group and alone, then its member communes by name."""
    code = settings.ESSAIM_BRAND.get("territory_perimeter", "")
    choices: list[BuyerChoice] = []
    if code.startswith("epci:"):
        epci = Epci.objects.filter(siren=code.removeprefix("epci:")).first()
        if epci is not None:
            choices.append(BuyerChoice(f"epci:{epci.siren}", f"{epci.name} et ses communes membres"))
            choices.append(BuyerChoice(epci.siren, f"{epci.name} ({epci.kind}) seul"))
    communes = (
        Commune.objects.filter(
            code__in=PerimeterCommune.objects.filter(perimeter__code=code).values("commune_id")
        )
        .exclude(siren="")
        .order_by("name")
    )
    choices += [BuyerChoice(c.siren, town(c.name)) for c in communes]
    return choices


def available_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    rows = con.execute(
        f"SELECT DISTINCT notified_year FROM {CONTRACTS.name} WHERE notified_year IS NOT NULL ORDER BY 1 DESC"
    ).fetchall()
    return [int(r[0]) for r in rows]


# --- contracts won by a structure ----------------------------------------------------------------------


@dataclass(frozen=True)
class ContractWon:
    buyer_siret: str
    buyer_name: str
    id: str
    object: str
    cpv: str
    procedure: str
    notified_on: date | None
    amount: float | None
    has_social: bool
    has_environmental: bool


def contracts_won_by(
    siren: str, limit: int = 10, *, con: duckdb.DuckDBPyConnection | None = None
) -> tuple[list[ContractWon], int]:
    """The latest marchés a holder (by SIREN) won, most recent first, and how many it won in all.

    Raises `StoreUnavailable` when this server has no readable store (a web machine without its copy of
    `INSIGHT_DB`, or a store being rewritten): the page says so rather than showing no contract.
    """
    key = (siren or "").replace(" ", "")
    if len(key) != 9 or not key.isdigit():
        return [], 0
    if con is None:
        with open_store() as opened:
            return contracts_won_by(key, limit, con=opened)
    total_row = con.execute(
        f"SELECT count(DISTINCT (buyer_siret, id)) FROM {CONTRACT_HOLDERS.name} WHERE holder_siren = ?",
        [key],
    ).fetchone()
    rows = con.execute(
        f"""SELECT c.buyer_siret, c.buyer_siren, c.id, c.object, c.cpv, c.procedure, c.notified_on, c.amount,
                   c.has_social, c.has_environmental
            FROM {CONTRACTS.name} c
            SEMI JOIN {CONTRACT_HOLDERS.name} h
              ON h.buyer_siret = c.buyer_siret AND h.id = c.id AND h.holder_siren = ?
            ORDER BY c.notified_on DESC NULLS LAST, c.buyer_siret, c.id
            LIMIT ?""",
        [key, limit],
    ).fetchall()
    names = names_by_siren({r[1] for r in rows if r[1]})
    contracts = [
        ContractWon(
            buyer_siret=r[0],
            buyer_name=names.get(r[1] or "", f"Acheteur {r[0]}"),
            id=r[2],
            object=r[3] or "",
            cpv=r[4] or "",
            procedure=r[5] or "",
            notified_on=r[6],
            amount=r[7],
            has_social=bool(r[8]),
            has_environmental=bool(r[9]),
        )
        for r in rows
    ]
    return contracts, int(total_row[0]) if total_row else 0


@dataclass(frozen=True)
class ContractRecord:
    """One marché of the store, by its national key, with its holders' identifiers."""

    buyer_siret: str
    id: str
    object: str
    amount: float | None
    notified_on: date | None
    duration_months: int | None
    has_social: bool
    holder_ids: tuple[str, ...]


def contract_record(
    buyer_siret: str, contract_id: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> ContractRecord | None:
    """The marché (buyer SIRET, id) of the store, or None when it is unknown or the store is unavailable
    (used to start following a clause from a published contract)."""
    if con is None:
        try:
            with open_store() as opened:
                return contract_record(buyer_siret, contract_id, con=opened)
        except StoreUnavailable:
            return None
    row = con.execute(
        f"""SELECT buyer_siret, id, object, amount, notified_on, duration_months, coalesce(has_social, false)
            FROM {CONTRACTS.name} WHERE buyer_siret = ? AND id = ?""",
        [buyer_siret, contract_id],
    ).fetchone()
    if row is None:
        return None
    holders = con.execute(
        f"SELECT holder_id FROM {CONTRACT_HOLDERS.name} WHERE buyer_siret = ? AND id = ? ORDER BY holder_id",
        [buyer_siret, contract_id],
    ).fetchall()
    return ContractRecord(
        buyer_siret=row[0],
        id=row[1],
        object=row[2] or "",
        amount=row[3],
        notified_on=row[4],
        duration_months=row[5],
        has_social=bool(row[6]),
        holder_ids=tuple(h[0] for h in holders),
    )


# --- rejected records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RejectedRecord:
    source_file: str
    position: int
    reason: str
    raw: str


def rejected_records(
    con: duckdb.DuckDBPyConnection, *, limit: int = 50, offset: int = 0
) -> tuple[list[RejectedRecord], int, list[tuple[str, int]]]:
    """A page of rejected records (raw text cut to 600 characters), the total and the count per reason."""
    total_row = con.execute(f"SELECT count(*) FROM {REJECTED.name}").fetchone()
    by_reason = con.execute(
        f"SELECT reason, count(*) FROM {REJECTED.name} GROUP BY ALL ORDER BY 2 DESC, 1"
    ).fetchall()
    rows = con.execute(
        f"""SELECT source_file, position, reason, left(raw, 600) FROM {REJECTED.name}
            ORDER BY imported_at DESC, source_file, position LIMIT ? OFFSET ?""",
        [limit, offset],
    ).fetchall()
    records = [RejectedRecord(r[0] or "", int(r[1] or 0), r[2] or "", r[3] or "") for r in rows]
    return records, int(total_row[0]) if total_row else 0, [(r[0], int(r[1])) for r in by_reason]


def store_summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = con.execute(
        f"SELECT count(*), count(DISTINCT buyer_siret), min(notified_on), max(notified_on) FROM {CONTRACTS.name}"
    ).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns one row
    return {"contracts": int(row[0]), "buyers": int(row[1]), "first": row[2], "last": row[3]}


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
    return [
        {
            "pk": row["pk"],
            "name": row["name"],
            "commune": row["commune__name"] or "",
            "reservations": [code for code in RESERVATIONS if row[f"eligible_{code.replace('-', '_')}"]],
        }
        for row in rows
    ]


@dataclass(frozen=True)
class CollaborationLine:
    date: date
    buyer: str
    supplier: str
    structure: str
    source: str
    status: str
    amount: float | None


def collaborations_of(sirens: list[str], year: int) -> list[CollaborationLine]:
    """Collaborations recorded by sourcing and events for the buyer organisations of these SIRENs/SIRET."""
    sirets = [s for s in sirens if len(s) == 14]
    match = (
        Q(siren__in=[s for s in sirens if len(s) == 9])
        | Q(siret__in=sirets)
        | Q(siret="", siren__in=[s[:9] for s in sirets])
    )
    organisations = Organisation.objects.filter(match, kind=Organisation.Kind.BUYER)
    rows = buyer_collaborations(organisations, year)
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
        ),
        label=buyer_label(buyer),
    )


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

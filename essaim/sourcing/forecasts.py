"""Purchase forecasts: one by one, or a whole purchase plan imported from CSV or XLSX.

The import is safe (style habit 7): a dry run unless `commit`, upserts keyed on the buyer's own reference
(`reference` column) when given, a report of created / updated / unchanged / rejected rows, every rejected
row kept with its reasons in a `ForecastImport` record.

Columns (header row, case and accents ignored): `objet`, `annee`, `trimestre`, `secteur` (slug or name),
`lieu` (commune or perimeter code, optional), `tranche` (amount band code or label), `procedure` (code or
label), `reference` (optional).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from essaim.accounts.acting import Actor, acting_user
from essaim.accounts.models import Organisation
from essaim.core.audit import log_action, save_changes
from essaim.core.db_rules import database_errors, without_nul
from essaim.core.spreadsheets import Limits, read_table
from essaim.directory.models import Sector
from essaim.directory.search.analysis import normalise

from .errors import ForecastError
from .models import ForecastImport, Need, PurchaseForecast
from .selectors import place_name

MAX_ROWS = 2000
MAX_READ_ROWS = 20 * MAX_ROWS  # rows read, empty ones included: they cost as much to read
MAX_COLUMNS = 50
# A 2,000-row plan is a few MB once decompressed; a crafted 2 MB XLSX can expand to gigabytes.
MAX_XLSX_EXPANDED_MB = 30
COLUMNS = ("objet", "annee", "trimestre", "secteur", "lieu", "tranche", "procedure", "reference")
REQUIRED = ("objet", "annee", "trimestre", "secteur", "tranche", "procedure")


@dataclass
class ForecastData:
    title: str
    year: int
    quarter: int
    sector: Sector
    amount_band: str
    procedure: str
    place_code: str = ""
    reference: str = ""


def _validate(data: ForecastData) -> None:
    this_year = timezone.localdate().year
    if not data.title.strip():
        raise ForecastError("Indiquez l'objet de l'achat.", field="title")
    if not this_year - 1 <= data.year <= this_year + 5:
        raise ForecastError(
            f"L'année doit être comprise entre {this_year - 1} et {this_year + 5}.", field="year"
        )
    if data.quarter not in (1, 2, 3, 4):
        raise ForecastError("Le trimestre va de 1 à 4.", field="quarter")
    if data.amount_band not in Need.AmountBand.values:
        raise ForecastError("Tranche de montant inconnue.", field="amount_band")
    if data.procedure not in PurchaseForecast.Procedure.values:
        raise ForecastError("Procédure inconnue.", field="procedure")
    if data.place_code and place_name(data.place_code) == data.place_code:
        raise ForecastError(f"Lieu inconnu : {data.place_code}.", field="place_code")


def _values(data: ForecastData) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "year": data.year,
        "quarter": data.quarter,
        "sector": data.sector,
        "amount_band": data.amount_band,
        "procedure": data.procedure,
        "place_code": data.place_code,
        "place_name": place_name(data.place_code),
        "reference": data.reference.strip(),
    }


@transaction.atomic
def forecast_create(*, actor: Actor, buyer: Organisation, data: ForecastData) -> PurchaseForecast:
    if buyer.kind != Organisation.Kind.BUYER:
        raise ForecastError("Seul un acheteur public publie des prévisions d'achat.")
    _validate(data)
    if data.reference and PurchaseForecast.objects.filter(buyer=buyer, reference=data.reference).exists():
        raise ForecastError("Une prévision porte déjà cette référence.", field="reference")
    forecast = PurchaseForecast.objects.create(
        buyer=buyer,
        created_by=acting_user(actor),
        published_at=timezone.now(),
        **_values(data),
    )
    log_action(actor=actor, action="forecast.created", target=forecast, organisation_id=buyer.pk)
    return forecast


@transaction.atomic
def forecast_put(*, actor: Actor, buyer: Organisation, data: ForecastData) -> tuple[PurchaseForecast, str]:
    """Create or update the buyer's forecast known by its reference (the API): "created", "updated" or
    "unchanged" (the same data again changes nothing)."""
    if buyer.kind != Organisation.Kind.BUYER:
        raise ForecastError("Seul un acheteur public publie des prévisions d'achat.")
    if not data.reference.strip():
        raise ForecastError("Indiquez la référence de la prévision.", field="reference")
    _validate(data)
    values = _values(data)
    existing = (
        PurchaseForecast.objects.select_for_update()
        .filter(buyer=buyer, reference=values["reference"])
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                return forecast_create(actor=actor, buyer=buyer, data=data), "created"
        except IntegrityError:  # the same reference sent twice at once
            existing = PurchaseForecast.objects.get(buyer=buyer, reference=values["reference"])
    if all(getattr(existing, k) == v for k, v in values.items()):
        return existing, "unchanged"
    save_changes(existing, values, actor=actor, action="forecast.updated", organisation_id=buyer.pk)
    return existing, "updated"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    record: ForecastImport | None = None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", normalise(text))


LIMITS = Limits(
    max_rows=MAX_ROWS,
    max_read_rows=MAX_READ_ROWS,
    max_columns=MAX_COLUMNS,
    max_xlsx_expanded_mb=MAX_XLSX_EXPANDED_MB,
    what="plan d'achat",
)


def read_rows(filename: str, stream: IO[bytes]) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8 or Windows-1252, `;` or `,`) or XLSX file as dicts keyed by normalised
    column names, read by the shared reader (`core.spreadsheets`: caps checked while reading)."""
    table = [row for _, row in read_table(filename, stream.read(), LIMITS, error=ForecastError)]
    if not table:
        raise ForecastError("Le fichier est vide.", field="file")
    header = [_key(h) for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ForecastError(f"Colonnes manquantes : {', '.join(missing)}.", field="file")
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=False)) for row in table[1:]]


def _choice(value: str, choices: Any) -> str | None:
    wanted = _key(value)
    for code, label in choices:
        if wanted in (_key(code), _key(label)):
            return code
    return None


def _parse(row: dict[str, str], sectors: dict[str, Sector]) -> tuple[ForecastData | None, list[str]]:
    reasons = []
    for column in REQUIRED:
        if not row.get(column, "").strip():
            reasons.append(f"« {column} » est vide")
    year = quarter = 0
    try:
        year = int(float(row.get("annee") or 0))
    except ValueError:
        reasons.append("année illisible")
    try:
        quarter = int(row.get("trimestre", "").upper().lstrip("T") or 0)
    except ValueError:
        reasons.append("trimestre illisible (1 à 4 ou T1 à T4)")
    sector = sectors.get(_key(row.get("secteur", "")))
    if row.get("secteur") and sector is None:
        reasons.append(f"secteur inconnu : {row['secteur']}")
    band = _choice(row.get("tranche", ""), Need.AmountBand.choices)
    if row.get("tranche") and band is None:
        reasons.append(f"tranche de montant inconnue : {row['tranche']}")
    procedure = _choice(row.get("procedure", ""), PurchaseForecast.Procedure.choices)
    if row.get("procedure") and procedure is None:
        reasons.append(f"procédure inconnue : {row['procedure']}")
    if reasons or sector is None or band is None or procedure is None:
        return None, reasons
    data = ForecastData(
        title=row["objet"],
        year=year,
        quarter=quarter,
        sector=sector,
        amount_band=band,
        procedure=procedure,
        place_code=row.get("lieu", "").strip(),
        reference=row.get("reference", "").strip()[:60],
    )
    try:
        _validate(data)
    except ForecastError as error:
        return None, [error.message]
    return data, []


@transaction.atomic
def forecast_import(
    *, actor: Actor, buyer: Organisation, filename: str, stream: IO[bytes], commit: bool = False
) -> ImportReport:
    """Import a purchase plan; nothing is written but the report unless `commit`."""
    if buyer.kind != Organisation.Kind.BUYER:
        raise ForecastError("Seul un acheteur public importe un plan d'achat.")
    rows = read_rows(filename, stream)
    sectors: dict[str, Sector] = {}
    for sector in Sector.objects.all():
        sectors[_key(sector.slug)] = sector
        sectors.setdefault(_key(sector.name), sector)
    report = ImportReport()
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        data, reasons = _parse(row, sectors)
        if data is not None and data.reference and data.reference in seen:
            reasons = [f"référence {data.reference} en double dans le fichier"]
            data = None
        if data is None:
            report.rejected.append({"line": line, "row": row, "reasons": reasons})
            continue
        values = _values(data)
        # The check applies every rule the database applies, so that it reports what the commit will do.
        problems = database_errors(PurchaseForecast(buyer=buyer, **values))
        if problems:
            report.rejected.append({"line": line, "row": row, "reasons": problems})
            continue
        if data.reference:
            seen.add(data.reference)
        existing = (
            PurchaseForecast.objects.filter(buyer=buyer, reference=data.reference).first()
            if data.reference
            else None
        )
        if existing is None:
            report.created += 1
            if commit:
                PurchaseForecast.objects.create(
                    buyer=buyer,
                    created_by=acting_user(actor),
                    published_at=timezone.now(),
                    **values,
                )
        elif any(getattr(existing, k) != v for k, v in values.items()):
            report.updated += 1
            if commit:
                save_changes(
                    existing, values, actor=actor, action="forecast.updated", organisation_id=buyer.pk
                )
        else:
            report.unchanged += 1
    report.record = ForecastImport.objects.create(
        buyer=buyer,
        created_by=acting_user(actor),
        filename=filename[:200],
        committed=commit,
        created_count=report.created,
        updated_count=report.updated,
        unchanged_count=report.unchanged,
        rejected=without_nul(report.rejected),
    )
    log_action(
        actor=actor,
        action="forecast.imported" if commit else "forecast.import_checked",
        target=report.record,
        organisation_id=buyer.pk,
        data={"created": report.created, "updated": report.updated, "rejected": len(report.rejected)},
    )
    return report

"""Imports of the facilitators' spreadsheets (CSV or XLSX): contracts, and monthly hours per participant.

`essaim clauses_import PATH --kind contracts|hours [--commit]` (docs/clauses.md, « Import »):
- contracts: `reference,buyer_siret,holder_siret,title,legal_basis,amount_ht,labour_share,insertion_rate,
  hourly_cost,hours_owed,start,end`; keyed on `reference` (a stored reference updates that contract); a
  buyer or holder Essaim does not know is created from its SIRET, named by it until someone edits it;
- hours: `contract_reference,participant_ref,eligibility,modality,month,hours,training_hours,sex,birth_year,
  qpv` (`month` YYYY-MM, or a spreadsheet date of the month's first day); keyed on (contract, participant, month): a stored line is replaced (updated, or unchanged when
  equal).

Idempotent and safe (style habit 7): the whole file is applied in one transaction, rolled back unless
`commit` (so that a dry run counts exactly); one JSON line of counts; every rejected row kept with its
French reason in `<file>.rejets.csv` next to the file (`ligne`, `motif`, `donnees`), as the directory
import does. Rows are written through the services (validation, audit).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from essaim.accounts.acting import Actor
from essaim.accounts.models import Organisation
from essaim.core.errors import DomainError
from essaim.core.spreadsheets import Limits, read_table
from essaim.directory.imports import ImportReport, Rejection, write_rejections

from . import services
from .errors import ClauseError
from .models import MAX_MONTHLY_HOURS, Contract, Eligibility, LegalBasis, Mission, Modality, Participant

KINDS = ("contracts", "hours")
CONTRACT_COLUMNS = (
    "reference",
    "buyer_siret",
    "holder_siret",
    "title",
    "legal_basis",
    "amount_ht",
    "labour_share",
    "insertion_rate",
    "hourly_cost",
    "hours_owed",
    "start",
    "end",
)
CONTRACT_OPTIONAL = {"hours_owed"}
HOURS_COLUMNS = (
    "contract_reference",
    "participant_ref",
    "eligibility",
    "modality",
    "month",
    "hours",
    "training_hours",
    "sex",
    "birth_year",
    "qpv",
)
HOURS_OPTIONAL = {"training_hours", "sex", "birth_year", "qpv"}
MANUAL_REASON = "Heures dues fixées dans le tableur importé."
SPACES = re.compile(r"[\s\u00a0\u202f]")


# --- reading ---------------------------------------------------------------------------------------------


LIMITS = Limits(max_rows=50_000, max_read_rows=100_000, max_columns=30, what="tableau de clauses")


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row keyed by lower-case column names) of a CSV or XLSX file, through the shared reader
    of uploaded tables (`core.spreadsheets`: encodings, separators, caps)."""
    table = read_table(path.name, path.read_bytes(), LIMITS, error=ClauseError)
    header: list[str] = []
    for line, cells in table:
        if not header:
            header = [cell.strip().lower() for cell in cells]
            continue
        yield line, {name: value for name, value in zip(header, cells, strict=False) if name}


def check_columns(path: Path, expected: tuple[str, ...], optional: set[str]) -> None:
    """Refuse a file whose header lacks a required column (nothing would be importable)."""
    rows = read_rows(path)
    first = next(rows, None)
    if first is None:
        return
    missing = [c for c in expected if c not in first[1] and c not in optional]
    if missing:
        raise DomainError(f"Colonnes manquantes : {', '.join(missing)}.")


# --- parsing values ---------------------------------------------------------------------------------------


class RowError(Exception):
    pass


def _decimal(value: str, label: str, *, required: bool = True) -> Decimal | None:
    text = SPACES.sub("", value).replace(",", ".")
    if not text:
        if required:
            raise RowError(f"{label} manquant")
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(f"{label} illisible : « {value} »") from None
    if not number.is_finite():
        raise RowError(f"{label} illisible : « {value} »")
    return number


def _date(value: str, label: str) -> date:
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise RowError(f"{label} : date illisible « {value} » (attendu AAAA-MM-JJ)")


def _month(value: str) -> date:
    # YYYY-MM; a spreadsheet's date cell of the first day of the month (YYYY-MM-01) is read as that month
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RowError(f"month : mois illisible « {value} » (attendu AAAA-MM)")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _collect(row: dict[str, str], parsers: list[tuple[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """Run each parser on its column, gathering every problem of the row (one reason per column)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for column, parse in parsers:
        try:
            values[column] = parse(row.get(column, ""))
        except RowError as error:
            problems.append(str(error))
    return values, problems


def _reject(line: int, row: dict[str, str], problems: list[str]) -> Rejection:
    return Rejection(line, row, " ; ".join(problems) + ".")


# --- contracts --------------------------------------------------------------------------------------------


@dataclass
class ContractRow:
    line: int
    raw: dict[str, str]
    values: dict[str, Any]


def _siret(value: str) -> str:
    try:
        return services.valid_siret(value)
    except DomainError as error:
        raise RowError(error.message.rstrip(".")) from None


def _legal_basis(value: str) -> str:
    if value.strip() not in LegalBasis.values:
        raise RowError(f"legal_basis inconnu : « {value} » (attendu {', '.join(LegalBasis.values)})")
    return value.strip()


def _share(label: str) -> Any:
    def parse(value: str) -> Decimal:
        number = _decimal(value, label)
        assert number is not None  # noqa: S101 - required
        if not 0 <= number <= 1:
            raise RowError(f"{label} doit être un nombre décimal entre 0 et 1 (0.05 pour 5 %)")
        return number

    return parse


def _positive(label: str, *, strict: bool) -> Any:
    def parse(value: str) -> Decimal:
        number = _decimal(value, label)
        assert number is not None  # noqa: S101 - required
        if number < 0 or (strict and number == 0):
            raise RowError(f"{label} doit être {'positif' if strict else 'positif ou nul'}")
        return number

    return parse


def _hours_owed(value: str) -> int | None:
    number = _decimal(value, "hours_owed", required=False)
    if number is None:
        return None
    if number < 0 or number != number.to_integral_value():
        raise RowError("hours_owed doit être un nombre entier d'heures positif")
    return int(number)


def _text(label: str) -> Any:
    def parse(value: str) -> str:
        if not value.strip():
            raise RowError(f"{label} manquant")
        return value.strip()

    return parse


def parse_contracts(path: Path) -> Iterator[ContractRow | Rejection]:
    for line, row in read_rows(path):
        values, problems = _collect(
            row,
            [
                ("reference", _text("reference")),
                ("buyer_siret", _siret),
                ("holder_siret", _siret),
                ("title", _text("title")),
                ("legal_basis", _legal_basis),
                ("amount_ht", _positive("amount_ht", strict=False)),
                ("labour_share", _share("labour_share")),
                ("insertion_rate", _share("insertion_rate")),
                ("hourly_cost", _positive("hourly_cost", strict=True)),
                ("hours_owed", _hours_owed),
                ("start", lambda v: _date(v, "start")),
                ("end", lambda v: _date(v, "end")),
            ],
        )
        if not problems and values["end"] < values["start"]:
            problems.append("end est antérieure à start")
        if problems:
            yield _reject(line, row, problems)
        else:
            yield ContractRow(line, row, values)


def _contract_data(row: ContractRow, actor: Actor) -> services.ContractData:
    v = row.values
    buyer = services.organisation_for_siret(
        actor=actor, siret=v["buyer_siret"], kind=Organisation.Kind.BUYER, field="buyer_siret"
    )
    holder = services.organisation_for_siret(
        actor=actor, siret=v["holder_siret"], kind=Organisation.Kind.SUPPLIER, field="holder_siret"
    )
    data = services.ContractData(
        reference=v["reference"],
        title=v["title"],
        buyer=buyer,
        holder=holder,
        legal_basis=v["legal_basis"],
        amount_ht=v["amount_ht"],
        labour_share=v["labour_share"],
        insertion_rate=v["insertion_rate"],
        hourly_cost=v["hourly_cost"],
        start_date=v["start"],
        end_date=v["end"],
    )
    if v["hours_owed"] is not None and v["hours_owed"] != services.computed_hours(data):
        data = services.ContractData(
            **{**data.__dict__, "hours_owed": v["hours_owed"], "hours_owed_reason": MANUAL_REASON}
        )
    return data


def _upsert_contract(row: ContractRow, actor: Actor) -> str:
    existing = Contract.objects.filter(reference=row.values["reference"]).first()
    data = _contract_data(row, actor)
    if existing is None:
        services.contract_create(actor=actor, data=data, origin=Contract.Origin.IMPORT)
        return "created"
    kept: dict[str, Any] = {"facilitator": existing.facilitator, "declarant_email": existing.declarant_email}
    if existing.hours_owed_is_manual and data.hours_owed in (None, existing.hours_owed):
        # A blank (or the same) figure in the file keeps the facilitator's figure and its reason.
        kept.update(hours_owed=existing.hours_owed, hours_owed_reason=existing.hours_owed_reason)
    data = services.ContractData(**{**data.__dict__, **kept})
    changed = services.contract_update(actor=actor, contract=existing, data=data)
    return "updated" if changed else "unchanged"


# --- hours ------------------------------------------------------------------------------------------------


@dataclass
class HoursRow:
    line: int
    raw: dict[str, str]
    values: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.values["contract"].reference, self.values["participant_ref"], self.values["month"])


def _slug(choices: Any, label: str) -> Any:
    def parse(value: str) -> str:
        slug = value.strip().lower()
        if slug not in choices.values:
            raise RowError(f"{label} inconnu : « {value} » (attendu {', '.join(choices.values)})")
        return slug

    return parse


def _monthly_hours(label: str, *, required: bool) -> Any:
    def parse(value: str) -> Decimal:
        number = _decimal(value, label, required=required)
        if number is None:
            return Decimal(0)
        if number < 0:
            raise RowError(f"{label} négatives")
        if number > MAX_MONTHLY_HOURS:
            raise RowError(f"{label} : plus de 200 heures pour une personne, un marché et un mois")
        return number

    return parse


def _sex(value: str) -> str:
    sex = value.strip().upper()
    if sex not in ("", "F", "M"):
        raise RowError(f"sex : F, M ou vide, pas « {value} »")
    return sex


def _birth_year(value: str) -> int | None:
    number = _decimal(value, "birth_year", required=False)
    if number is None:
        return None
    this_year = timezone.localdate().year
    if number != number.to_integral_value() or not 1900 <= number <= this_year:
        raise RowError(f"birth_year : année illisible « {value} »")
    return int(number)


def _qpv(value: str) -> bool | None:
    text = value.strip().lower()
    if text in ("", "oui", "non"):
        return None if not text else text == "oui"
    raise RowError(f"qpv : oui, non ou vide, pas « {value} »")


def _participant_ref(value: str) -> str:
    try:
        return services.check_reference(value)
    except DomainError:
        raise RowError(f"participant_ref invalide : « {value} »") from None


def parse_hours(path: Path) -> Iterator[HoursRow | Rejection]:
    contracts: dict[str, Contract | None] = {}

    def contract(value: str) -> Contract:
        reference = value.strip()
        if reference not in contracts:
            contracts[reference] = Contract.objects.filter(reference=reference).first() if reference else None
        found = contracts[reference]
        if found is None:
            raise RowError(f"contract_reference : marché inconnu « {value} »")
        return found

    for line, row in read_rows(path):
        values, problems = _collect(
            row,
            [
                ("contract_reference", contract),
                ("participant_ref", _participant_ref),
                ("eligibility", _slug(Eligibility, "eligibility")),
                ("modality", _slug(Modality, "modality")),
                ("month", _month),
                ("hours", _monthly_hours("hours", required=True)),
                ("training_hours", _monthly_hours("training_hours", required=False)),
                ("sex", _sex),
                ("birth_year", _birth_year),
                ("qpv", _qpv),
            ],
        )
        if "contract_reference" in values:
            values["contract"] = values.pop("contract_reference")
        if not problems:
            found: Contract = values["contract"]
            month: date = values["month"]
            if month < found.start_date.replace(day=1) or month > found.end_date:
                problems.append(
                    f"month {month:%Y-%m} en dehors de l'exécution du marché "
                    f"({found.start_date:%Y-%m-%d} – {found.end_date:%Y-%m-%d})"
                )
        if problems:
            yield _reject(line, row, problems)
        else:
            yield HoursRow(line, row, values)


def _upsert_hours(row: HoursRow, actor: Actor) -> str:
    v = row.values
    changed = False
    participant = Participant.objects.filter(reference=v["participant_ref"]).first()
    if participant is None:
        participant = services.participant_create(
            actor=actor,
            reference=v["participant_ref"],
            profile=services.ProfileData(sex=v["sex"], birth_year=v["birth_year"], qpv=v["qpv"]),
        )
    else:
        profile = services.ProfileData(
            sex=v["sex"] or participant.sex,
            birth_year=v["birth_year"] if v["birth_year"] is not None else participant.birth_year,
            qpv=v["qpv"] if v["qpv"] is not None else participant.qpv,
            prescriber=participant.prescriber,
            prescriber_name=participant.prescriber_name,
        )
        changed |= bool(services.participant_update(actor=actor, participant=participant, profile=profile))
    if participant.eligibility != v["eligibility"]:
        changed |= participant.eligibility != ""
        services.eligibility_validate(actor=actor, participant=participant, eligibility=v["eligibility"])
    mission = Mission.objects.filter(contract=v["contract"], participant=participant).first()
    if mission is None:
        mission = services.mission_create(
            actor=actor, contract=v["contract"], participant=participant, modality=v["modality"]
        )
    elif mission.modality != v["modality"]:
        services.mission_set_modality(actor=actor, mission=mission, modality=v["modality"])
        changed = True
    outcome = services.declaration_import(
        actor=actor, mission=mission, month=v["month"], hours=v["hours"], training_hours=v["training_hours"]
    )
    if outcome == "unchanged" and changed:
        return "updated"
    return outcome


# --- running ----------------------------------------------------------------------------------------------


class _DryRun(Exception):
    pass


def _duplicates(rows: list[Any], key: Any) -> set[Any]:
    counts = Counter(key(row) for row in rows)
    return {k for k, n in counts.items() if n > 1}


def run_import(path: Path, kind: str, *, commit: bool = False, actor: Actor = None) -> ImportReport:
    """Import `path` as `kind` ("contracts" or "hours"); nothing is written unless `commit`."""
    if kind not in KINDS:
        raise DomainError(f"Type d'import inconnu : {kind} (contracts ou hours).")
    if not path.exists():
        raise DomainError(f"Fichier introuvable : {path}")
    columns, optional = (
        (CONTRACT_COLUMNS, CONTRACT_OPTIONAL) if kind == "contracts" else (HOURS_COLUMNS, HOURS_OPTIONAL)
    )
    check_columns(path, columns, optional)
    report = ImportReport()
    try:
        with transaction.atomic():
            parsed = list(parse_contracts(path) if kind == "contracts" else parse_hours(path))
            good = [item for item in parsed if not isinstance(item, Rejection)]
            if kind == "contracts":
                twice = _duplicates(good, lambda r: r.values["reference"])
                message = "reference présente sur plusieurs lignes du fichier : aucune n'est importée."
                is_twice = lambda r: r.values["reference"] in twice  # noqa: E731
            else:
                twice = _duplicates(good, lambda r: r.key)
                message = (
                    "même participant, même marché et même mois sur plusieurs lignes du fichier : "
                    "aucune n'est importée."
                )
                is_twice = lambda r: r.key in twice  # noqa: E731
            upsert: Callable[[Any, Any], str] = _upsert_contract if kind == "contracts" else _upsert_hours
            for item in parsed:
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    continue
                if is_twice(item):
                    report.rejections.append(Rejection(item.line, item.raw, message[0].upper() + message[1:]))
                    continue
                try:
                    with transaction.atomic():
                        outcome = upsert(item, actor)
                except DomainError as error:
                    report.rejections.append(Rejection(item.line, item.raw, error.message))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    report.rejections.sort(key=lambda r: r.line)
    report.rejected = len(report.rejections)
    write_rejections(path, report.rejections)
    return report

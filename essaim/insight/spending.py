"""A buyer's spend file, row by row, aggregated by supplier. Pure: no Django, no I/O.

Accounting exports give one row per invoice or per supplier. Columns (header row, case, accents and
spaces ignored; French names accepted): `siret` or `siren`, `supplier_name` (`fournisseur`, `nom`,
`raison sociale`, `tiers`), `amount` (`montant`, `montant ht`, `montant ttc`), optionally `date`
(`date facture`, `date mandat`, `date paiement`). Amounts in French formats (`12 500,50` with a space or a
no-break space between thousands, `1.234,56`, `12500.50`, a trailing `€`); negative amounts are credit
notes and count. A row is **rejected with its reason** (and kept by the caller) when its amount is missing
or unreadable, its SIRET/SIREN is invalid or they disagree, it names no supplier at all, or its date is
unreadable or outside the file's year. Suppliers are keyed by SIREN, else by their normalised name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum.fr import siren as siren_check
from stdnum.fr import siret as siret_check

MAX_AMOUNT = Decimal("1000000000000")  # a trillion euros: beyond, a typing error
ALIASES: dict[str, tuple[str, ...]] = {
    "siret": ("siret", "siret fournisseur", "numero siret"),
    "siren": ("siren", "siren fournisseur", "numero siren"),
    "supplier_name": (
        "supplier name", "fournisseur", "nom fournisseur", "nom du fournisseur", "nom", "raison sociale",
        "tiers", "beneficiaire", "creancier",
    ),
    "amount": ("amount", "montant", "montant ht", "montant ttc", "montant paye", "montant mandate"),
    "date": ("date", "date facture", "date de facture", "date mandat", "date paiement", "date de paiement"),
}  # fmt: skip


class SpendFileError(Exception):
    """The file as a whole cannot be read (no header, a required column missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Supplier:
    key: str
    siren: str
    siret: str
    name: str
    amount: Decimal = Decimal(0)
    rows: int = 0


@dataclass
class Rejection:
    line: int
    reason: str
    data: dict[str, str]


@dataclass
class ParsedSpend:
    rows: int = 0
    suppliers: list[Supplier] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((s.amount for s in self.suppliers), Decimal(0))


def header_key(text: str) -> str:
    """`Montant TTC` → `montant ttc`; `Raison_sociale` → `raison sociale`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def column_of(header: list[str]) -> dict[str, int]:
    """The position of each known column in `header` (the first alias found wins)."""
    keys = [header_key(cell) for cell in header]
    found: dict[str, int] = {}
    for column, aliases in ALIASES.items():
        for alias in aliases:
            if alias in keys:
                found[column] = keys.index(alias)
                break
    return found


def french_amount(text: str) -> Decimal | None:
    """`12 500,50`, `12\u00a0500,50 €`, `1.234,56`, `12500.50`, `-350` → Decimal; None when unreadable."""
    raw = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
    if raw.startswith("(") and raw.endswith(")"):  # (350,00): a negative amount in accounting exports
        raw = "-" + raw[1:-1]
    if not raw:
        return None
    if "," in raw:
        if raw.count(",") > 1:
            return None
        raw = raw.replace(".", "").replace(",", ".")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")  # 1.234.567: dots between thousands
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", raw):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        return None
    return value.quantize(Decimal("0.01"))


def parse_day(text: str) -> date | None:
    """`2025-03-01` (with an optional time), `01/03/2025`, `01-03-2025`, `01.03.2025`; else None."""
    raw = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", raw):
            return date.fromisoformat(raw[:10])
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def _digits(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f.]", "", text)


def _row_data(header: list[str], row: list[str]) -> dict[str, str]:
    return {
        name or f"colonne {i + 1}": (row[i] if i < len(row) else "")[:200] for i, name in enumerate(header)
    }


def aggregate(rows: Iterable[tuple[int, list[str]]], *, year: int) -> ParsedSpend:
    """Read the header, then every row: accepted rows are added to their supplier, the others rejected."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        raise SpendFileError("Le fichier est vide.")
    header = first[1]
    columns = column_of(header)
    if "amount" not in columns:
        raise SpendFileError("Colonne manquante : amount (ou montant).")
    if not {"siret", "siren", "supplier_name"} & set(columns):
        raise SpendFileError(
            "Colonnes manquantes : siret ou siren, ou supplier_name (le nom du fournisseur)."
        )
    result = ParsedSpend()
    suppliers: dict[str, Supplier] = {}

    def cell(row: list[str], column: str) -> str:
        position = columns.get(column)
        return row[position].strip() if position is not None and position < len(row) else ""

    for line, row in iterator:
        result.rows += 1
        reason = ""
        siret = _digits(cell(row, "siret"))
        siren = _digits(cell(row, "siren"))
        name = " ".join(cell(row, "supplier_name").split())[:200]
        amount = french_amount(cell(row, "amount"))
        raw_day = cell(row, "date")
        day = parse_day(raw_day) if raw_day else None
        if amount is None:
            reason = (
                f"montant illisible : « {cell(row, 'amount')} »" if cell(row, "amount") else "montant absent"
            )
        elif abs(amount) >= MAX_AMOUNT:
            reason = f"montant invraisemblable : {cell(row, 'amount')}"
        elif siret and not siret_check.is_valid(siret):
            reason = f"SIRET invalide : {cell(row, 'siret')}"
        elif siren and not siren_check.is_valid(siren):
            reason = f"SIREN invalide : {cell(row, 'siren')}"
        elif siret and siren and siret[:9] != siren:
            reason = f"le SIRET {siret} n'est pas un établissement du SIREN {siren}"
        elif not (siret or siren or name):
            reason = "ni SIRET, ni SIREN, ni nom du fournisseur"
        elif raw_day and day is None:
            reason = f"date illisible : « {raw_day} »"
        elif day is not None and day.year != year:
            reason = f"date du {day.strftime('%d/%m/%Y')}, hors de l'année {year}"
        if reason:
            result.rejections.append(Rejection(line, reason, _row_data(header, row)))
            continue
        assert amount is not None  # noqa: S101 - checked above; narrows the type
        siren = siren or siret[:9]
        key = siren or "nom:" + header_key(name)
        supplier = suppliers.get(key)
        if supplier is None:
            supplier = suppliers[key] = Supplier(key=key, siren=siren, siret=siret, name=name or siren)
        elif not supplier.siret and siret:
            supplier.siret = siret
        if supplier.name == supplier.siren and name:
            supplier.name = name
        supplier.amount += amount
        supplier.rows += 1
    result.suppliers = sorted(suppliers.values(), key=lambda s: (-s.amount, s.name, s.key))
    return result

"""A buyer's spend shares from its imported spend file: with the ESS, inclusive structures and the local
ESS, by kind and by sector of the directory, the top suppliers, year on year, and the purchases under
40 k€ that the DECP do not show.

A supplier counts as **ESS** when its directory structure has an ESS family, **inclusive** when it has an
inclusive kind (SIAE: EI, AI, ACI, ETTI, EITI; or EA, EATT, ESAT), **local ESS** when it is ESS and located
(its commune) in the platform's territory (`ESSAIM_BRAND["territory_perimeter"]`). Shares = amount ÷
total, rounded to 4 decimals (0 when the total is 0). Supplier amounts are for the buyer and the
facilitators only: the SPASER report shows the shares (`SpendShares.public`), never a supplier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from essaim.accounts.models import Organisation
from essaim.directory import references
from essaim.directory.sector_mappings import SECTORS, TOP_LEVEL_SLUGS
from essaim.territory.models import PerimeterCommune

from ..models import SpendImport, SpendSupplier

DECP_THRESHOLD_HT = Decimal(40_000)
VAT = Decimal("1.2")  # a TTC file is compared to 40 000 € HT × 1.2 (the standard rate)
TOP = 10


@dataclass(frozen=True)
class Part:
    amount: Decimal
    share: float
    suppliers: int

    def as_json(self) -> dict[str, Any]:
        return {"amount": float(self.amount), "share": self.share, "suppliers": self.suppliers}


@dataclass(frozen=True)
class SupplierLine:
    name: str
    siren: str
    amount: Decimal
    share: float
    invoices: int
    structure_id: int | None
    structure_name: str
    ess: bool
    inclusive: bool
    local: bool


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    part: Part


@dataclass
class SpendShares:
    buyer: Organisation
    year: int
    ttc: bool
    filename: str
    imported_at: Any
    total: Decimal
    suppliers: int
    matched: int
    rows: int
    rejected: list[dict[str, Any]]
    ess: Part
    inclusive: Part
    local_ess: Part
    under_threshold: Part
    under_threshold_ess: Part
    by_kind: list[Breakdown] = field(default_factory=list)
    by_sector: list[Breakdown] = field(default_factory=list)
    top: dict[str, list[SupplierLine]] = field(default_factory=dict)
    previous: SpendShares | None = None

    @property
    def threshold(self) -> Decimal:
        """40 000 € HT, in the file's terms (48 000 € for a TTC file)."""
        return DECP_THRESHOLD_HT * VAT if self.ttc else DECP_THRESHOLD_HT

    @property
    def tax_label(self) -> str:
        return "TTC" if self.ttc else "HT"

    def as_json(self) -> dict[str, Any]:
        """What `essaim spend_share --json` prints."""
        return {
            "total": float(self.total),
            "suppliers": self.suppliers,
            "ess": self.ess.as_json(),
            "inclusive": self.inclusive.as_json(),
            "local_ess": self.local_ess.as_json(),
        }

    def public(self) -> dict[str, Any]:
        """The shares without any supplier's amount (the SPASER report's section)."""
        return {
            "year": self.year,
            "tax": self.tax_label,
            "total": self.total,
            "suppliers": self.suppliers,
            "ess": self.ess,
            "inclusive": self.inclusive,
            "local_ess": self.local_ess,
            "under_threshold": self.under_threshold,
        }


def _share(part: Decimal, whole: Decimal) -> float:
    return round(float(part / whole), 4) if whole else 0.0


def _part(rows: list[SpendSupplier], total: Decimal) -> Part:
    amount = sum((r.amount for r in rows), Decimal(0))
    return Part(amount=amount, share=_share(amount, total), suppliers=len(rows))


def territory_communes() -> set[str]:
    """INSEE codes of the communes of the platform's territory (`ESSAIM_BRAND["territory_perimeter"]`)."""
    code = settings.ESSAIM_BRAND.get("territory_perimeter", "")
    return set(PerimeterCommune.objects.filter(perimeter__code=code).values_list("commune_id", flat=True))


def spend_import_of(buyer: Organisation, year: int) -> SpendImport | None:
    return SpendImport.objects.filter(buyer=buyer, year=year).select_related("buyer").first()


def spend_years(buyer: Organisation) -> list[int]:
    return list(SpendImport.objects.filter(buyer=buyer).order_by("-year").values_list("year", flat=True))


def spend_shares(record: SpendImport, *, with_previous: bool = True) -> SpendShares:
    """Every figure of the buyer's spend page for the import `record`."""
    rows = list(
        record.suppliers.select_related("structure").only(
            "spend", "name", "siren", "amount", "invoices", "structure", "structure__name", "structure__commune_id",
            "structure__ess_families_mask", "structure__inclusion_kinds_mask", "structure__is_ressourcerie",
            "structure__sectors_mask",
        )
    )  # fmt: skip
    local_communes = territory_communes()
    total = sum((r.amount for r in rows), Decimal(0))
    inclusive_mask = references.mask_of(
        sorted(references.SIAE_KINDS | references.DISABILITY_KINDS), references.INCLUSION_KINDS
    )

    def is_ess(r: SpendSupplier) -> bool:
        return r.structure is not None and r.structure.ess_families_mask != 0

    def is_inclusive(r: SpendSupplier) -> bool:
        return r.structure is not None and bool(r.structure.inclusion_kinds_mask & inclusive_mask)

    def is_local(r: SpendSupplier) -> bool:
        return r.structure is not None and r.structure.commune_id in local_communes

    def line(r: SpendSupplier) -> SupplierLine:
        return SupplierLine(
            name=r.name,
            siren=r.siren,
            amount=r.amount,
            share=_share(r.amount, total),
            invoices=r.invoices,
            structure_id=r.structure_id,
            structure_name=r.structure.name if r.structure else "",
            ess=is_ess(r),
            inclusive=is_inclusive(r),
            local=is_local(r),
        )

    ess = [r for r in rows if is_ess(r)]
    inclusive = [r for r in rows if is_inclusive(r)]
    local_ess = [r for r in ess if is_local(r)]
    threshold = DECP_THRESHOLD_HT * VAT if record.ttc else DECP_THRESHOLD_HT
    small = [r for r in rows if r.amount < threshold]

    def top(selected: list[SpendSupplier]) -> list[SupplierLine]:
        return [line(r) for r in sorted(selected, key=lambda r: (-r.amount, r.name))[:TOP]]

    shares = SpendShares(
        buyer=record.buyer,
        year=record.year,
        ttc=record.ttc,
        filename=record.filename,
        imported_at=record.created_at,
        total=total,
        suppliers=len(rows),
        matched=sum(1 for r in rows if r.structure is not None),
        rows=record.rows,
        rejected=record.rejected,
        ess=_part(ess, total),
        inclusive=_part(inclusive, total),
        local_ess=_part(local_ess, total),
        under_threshold=_part(small, total),
        under_threshold_ess=_part([r for r in small if is_ess(r)], total),
        by_kind=_by_kind(rows, total, is_inclusive),
        by_sector=_by_sector(rows, total),
        top={
            "all": top(rows),
            "ess": top(ess),
            "inclusive": top(inclusive),
            "local_ess": top(local_ess),
            "under_threshold_ess": top([r for r in small if is_ess(r)]),
        },
    )
    if with_previous:
        before = spend_import_of(record.buyer, record.year - 1)
        shares.previous = spend_shares(before, with_previous=False) if before is not None else None
    return shares


def _by_kind(
    rows: list[SpendSupplier], total: Decimal, is_inclusive: Callable[[SpendSupplier], bool]
) -> list[Breakdown]:
    siae = references.mask_of(sorted(references.SIAE_KINDS), references.INCLUSION_KINDS)
    disability = references.mask_of(sorted(references.DISABILITY_KINDS), references.INCLUSION_KINDS)
    lines = [
        Breakdown(
            "siae", "Structures d'insertion (SIAE)", _part([r for r in rows if _kinds(r) & siae], total)
        ),
        Breakdown(
            "ea-esat",
            "Entreprises adaptées et ESAT",
            _part([r for r in rows if _kinds(r) & disability], total),
        ),
        Breakdown(
            "ressourcerie",
            "Ressourceries et structures de réemploi",
            _part([r for r in rows if r.structure is not None and r.structure.is_ressourcerie], total),
        ),
    ]
    for position, (code, label) in enumerate(references.ESS_FAMILIES.items()):
        bit = 1 << position
        lines.append(
            Breakdown(
                code,
                label,
                _part(
                    [r for r in rows if r.structure is not None and r.structure.ess_families_mask & bit],
                    total,
                ),
            )
        )
    lines.append(
        Breakdown(
            "annuaire-hors-ess",
            "Autres structures de l'annuaire (sans famille de l'ESS)",
            _part(
                [
                    r
                    for r in rows
                    if r.structure is not None and not r.structure.ess_families_mask and not is_inclusive(r)
                ],
                total,
            ),
        )
    )
    lines.append(Breakdown("hors-annuaire", "Fournisseurs absents de l'annuaire", _part(
        [r for r in rows if r.structure is None], total
    )))  # fmt: skip
    return [b for b in lines if b.part.suppliers]


def _kinds(row: SpendSupplier) -> int:
    return row.structure.inclusion_kinds_mask if row.structure is not None else 0


def _by_sector(rows: list[SpendSupplier], total: Decimal) -> list[Breakdown]:
    """By the top-level sectors of the suppliers' directory structures (a structure working in two sectors
    counts in both)."""
    lines = []
    for position, slug in enumerate(TOP_LEVEL_SLUGS):
        bit = 1 << position
        selected = [r for r in rows if r.structure is not None and r.structure.sectors_mask & bit]
        if selected:
            lines.append(Breakdown(slug, SECTORS[slug][0], _part(selected, total)))
    return sorted(lines, key=lambda b: (-b.part.amount, b.label))


def buyers_with_spend() -> list[Organisation]:
    """The buyer organisations that imported a spend file (a facilitator's choice)."""
    return list(Organisation.objects.filter(spend_imports__isnull=False).distinct().order_by("name"))

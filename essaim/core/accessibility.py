"""The accessibility statement's facts, read from the audit grid kept in the repository (data/rgaa_audit.toml).

The status follows the legal model (RGAA 4.1, "modèle de déclaration"): "totalement conforme" when every
applicable criterion is met, "partiellement conforme" from 50 % of them, "non conforme" below 50 % — and
"non conforme" as well while the audit is not complete (criteria not tested yet: nothing may be claimed
for them). The rate is the share of conform criteria among the applicable ones that were evaluated.
"""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

GRID = Path(__file__).parent / "data" / "rgaa_audit.toml"

CONFORM, NON_CONFORM, NOT_APPLICABLE, NOT_TESTED = "C", "NC", "NA", "NT"
RESULTS = (CONFORM, NON_CONFORM, NOT_APPLICABLE, NOT_TESTED)
RESULT_LABELS = {
    CONFORM: "Conforme",
    NON_CONFORM: "Non conforme",
    NOT_APPLICABLE: "Non applicable",
    NOT_TESTED: "Non évalué",
}
FULLY, PARTIALLY, NOT_CONFORM = "totalement conforme", "partiellement conforme", "non conforme"
EVERY_PAGE = "*"
EVERY_PAGE_TITLE = "toutes les pages de l'échantillon"


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    result: str
    pages: tuple[str, ...]
    how: str
    page_titles: tuple[str, ...]  # the pages' titles, from the sample

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


@dataclass(frozen=True)
class Audit:
    referential: str
    date: datetime.date
    auditor: str
    method: str
    environment: str
    pages: tuple[dict[str, str], ...]
    criteria: tuple[Criterion, ...]
    derogations: tuple[dict[str, str], ...]
    plan: tuple[dict[str, Any], ...]

    def count(self, result: str) -> int:
        return sum(1 for c in self.criteria if c.result == result)

    @property
    def count_conform(self) -> int:
        return self.count(CONFORM)

    @property
    def count_non_conform(self) -> int:
        return self.count(NON_CONFORM)

    @property
    def count_not_applicable(self) -> int:
        return self.count(NOT_APPLICABLE)

    @property
    def count_not_tested(self) -> int:
        return self.count(NOT_TESTED)

    @property
    def complete(self) -> bool:
        return self.count(NOT_TESTED) == 0

    @property
    def rate(self) -> Decimal | None:
        """Percentage of conform criteria among the applicable criteria evaluated (None: none evaluated)."""
        return conformity_rate(self.count(CONFORM), self.count(NON_CONFORM))

    @property
    def status(self) -> str:
        return conformity_status(self.rate, complete=self.complete)

    @property
    def non_conformities(self) -> list[Criterion]:
        return [c for c in self.criteria if c.result == NON_CONFORM]


def conformity_rate(conform: int, non_conform: int) -> Decimal | None:
    """C / (C + NC) as a percentage rounded to one decimal (half up), None when nothing was evaluated."""
    evaluated = conform + non_conform
    if evaluated == 0:
        return None
    return (Decimal(100) * conform / evaluated).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def conformity_status(rate: Decimal | None, *, complete: bool) -> str:
    """The legal status: nothing is claimed before a complete audit."""
    if rate is None or not complete or rate < 50:
        return NOT_CONFORM
    return FULLY if rate == 100 else PARTIALLY


def parse_audit(data: dict[str, Any]) -> Audit:
    """The grid's TOML data, checked: every result known, every page named in the sample, ids unique."""
    titles = {p["key"]: p["title"] for p in data["pages"]}
    keys = set(titles)
    criteria = tuple(
        Criterion(
            id=c["id"],
            title=c["title"],
            result=c["result"],
            pages=tuple(c.get("pages", ())),
            how=c.get("how", ""),
            page_titles=tuple(
                EVERY_PAGE_TITLE if key == EVERY_PAGE else titles.get(key, key) for key in c.get("pages", ())
            ),
        )
        for c in data["criteria"]
    )
    ids = [c.id for c in criteria]
    if len(ids) != len(set(ids)):
        raise ValueError("criteria listed twice in the audit grid")
    for c in criteria:
        if c.result not in RESULTS:
            raise ValueError(f"criterion {c.id}: unknown result {c.result!r}")
        if c.result in (CONFORM, NON_CONFORM) and not c.pages:
            raise ValueError(f"criterion {c.id}: {c.result} without the pages it was checked on")
        unknown = set(c.pages) - keys - {EVERY_PAGE}
        if unknown:
            raise ValueError(f"criterion {c.id}: pages outside the sample {sorted(unknown)}")
    audit = data["audit"]
    return Audit(
        referential=audit["referential"],
        date=audit["date"],
        auditor=audit["auditor"],
        method=audit["method"],
        environment=audit["environment"],
        pages=tuple(data["pages"]),
        criteria=criteria,
        derogations=tuple(data.get("derogations", ())),
        plan=tuple(data.get("plan", ())),
    )


@cache
def current_audit() -> Audit:
    """The audit grid of the repository (read once per process)."""
    with GRID.open("rb") as file:
        return parse_audit(tomllib.load(file))

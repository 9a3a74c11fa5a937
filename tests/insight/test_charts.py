"""Chart labels are read whole: no axis value or category cut into "10,0…" (issue 12, point 11)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from essaim.clauses.charts import months_chart_svg
from essaim.cooperation.charts import flows_chart_svg
from essaim.insight.charts import divisions_chart, months_chart, targets_chart, types_chart

TEXT = re.compile(r"<text[^>]*>([^<]*)</text>")


def cut_labels(svg: str) -> list[str]:
    return [text for text in TEXT.findall(svg) if "…" in text]


def test_no_chart_cuts_its_labels() -> None:
    targets = [
        SimpleNamespace(name=name, share=share, target=0.3)
        for name, share in [
            ("Considération sociale", 0.104),
            ("Considération environnementale", 0.871),
            ("Clause d'insertion", 0.25),
        ]
    ]
    groups = [
        SimpleNamespace(
            key=f"{n:02d}",
            label=label,
            social_amount=Decimal(120_000 * n),
            no_social_amount=Decimal(1_950_000),
            social=n,
            no_social=12 - n,
        )
        for n, label in enumerate(
            ["Travaux", "Fournitures", "Services", "janvier", "février", "septembre", "novembre"], 1
        )
    ]
    report = SimpleNamespace(year=2026, targets=targets, by_type=groups, by_division=groups, by_month=groups)
    months = [(date(2026, m, 1), Decimal("1234.5"), Decimal("10.25")) for m in range(1, 13)]
    flows = [
        SimpleNamespace(
            label=f"T{q} 2026", collected=Decimal("10.05"), reused=Decimal(4), recycled=Decimal(3)
        )
        for q in range(1, 5)
    ]
    svgs = {
        "targets": targets_chart(report),
        "types": types_chart(report),
        "divisions": divisions_chart(report),
        "months": months_chart(report),
        "hours": months_chart_svg(months, title="Heures par mois"),
        "flows": flows_chart_svg(flows),
    }
    assert all(TEXT.search(svg) for svg in svgs.values())
    assert {name: cut_labels(svg) for name, svg in svgs.items()} == {name: [] for name in svgs}

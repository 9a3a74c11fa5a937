"""Server-side SVG charts (pygal, in the style of the SPASER report), always shown with their data table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pygal

from essaim.insight.charts import CHART_STYLE

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month:%y}"


def months_chart_svg(rows: list[tuple[date, Decimal, Decimal]], *, title: str, name: str = "mois") -> str:
    """Stacked bars of worked and training hours per month, as inline SVG (no script); empty without data."""
    if not rows or not any(hours or training for _, hours, training in rows):
        return ""
    chart = pygal.StackedBar(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=800,
        height=340,
        legend_at_bottom=True,
        show_y_guides=True,
        x_label_rotation=45 if len(rows) > 8 else 0,
        truncate_label=-1,
        truncate_legend=-1,
        title=title,
    )
    chart.x_labels = [month_label(month) for month, _, _ in rows]
    chart.add("Heures travaillées", [float(hours) for _, hours, _ in rows])
    chart.add("Heures de formation", [float(training) for _, _, training in rows])
    return str(chart.render(is_unicode=True)).replace('id="activate-serie-', f'id="{name}-activate-serie-')

"""Server-side SVG charts of the report (pygal). Each chart is shown with its data table, which carries
the same figures for screen readers (the SVG itself is hidden from assistive technologies)."""

from __future__ import annotations

import sys

import pygal
from pygal.style import Style

from .report import Report

# pygal appends a legacy `sys.meta_path` finder (for its map plugins, unused here) that makes every later
# failed import emit an ImportWarning; remove it.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=("#1f5c4a", "#c2410c", "#1d4ed8", "#6b7280"),
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
)


def _options(title: str, **extra: object) -> dict[str, object]:
    return {
        "style": CHART_STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "height": 360,
        "legend_at_bottom": True,
        # Never cut a label ("10,0…" for "10,0 %"): the axes and categories are read whole.
        "truncate_label": -1,
        "truncate_legend": -1,
        "title": title,
        **extra,
    }


def _svg(chart: pygal.graph.graph.Graph, name: str) -> str:
    """The SVG text, its legend ids made unique in the page (pygal numbers them from 0 in each chart)."""
    return str(chart.render(is_unicode=True)).replace('id="activate-serie-', f'id="{name}-activate-serie-')


def targets_chart(report: Report) -> str:
    """Shares of contracts with a social / environmental consideration against the PNAD targets (%)."""
    chart = pygal.HorizontalBar(
        **_options(
            "Part des marchés avec considération, comparée aux objectifs du PNAD (%)",
            range=(0, 100),
            print_values=True,
            value_formatter=lambda v: f"{v:.1f} %".replace(".", ","),
        )
    )
    chart.x_labels = [target.name for target in report.targets]
    chart.add(f"Réalisé {report.year}", [round(t.share * 100, 1) for t in report.targets])
    chart.add("Objectif PNAD", [round(t.target * 100, 1) for t in report.targets])
    return _svg(chart, "targets")


def types_chart(report: Report) -> str:
    """Amounts by purchase type, split with and without social consideration (k€)."""
    chart = pygal.StackedBar(**_options("Montants par type d'achat (milliers d'euros HT)"))
    chart.x_labels = [group.label for group in report.by_type]
    chart.add("Avec considération sociale", [round(g.social_amount / 1000, 1) for g in report.by_type])
    chart.add("Sans considération sociale", [round(g.no_social_amount / 1000, 1) for g in report.by_type])
    return _svg(chart, "types")


def divisions_chart(report: Report, limit: int = 10) -> str:
    """The largest CPV divisions by amount, with and without social consideration (k€)."""
    groups = [g for g in report.by_division if g.key][:limit]
    chart = pygal.HorizontalStackedBar(
        **_options(
            "Familles CPV les plus importantes (milliers d'euros HT)", height=80 + 40 * max(len(groups), 1)
        )
    )
    chart.x_labels = [g.key for g in groups]
    chart.add("Avec considération sociale", [round(g.social_amount / 1000, 1) for g in groups])
    chart.add("Sans considération sociale", [round(g.no_social_amount / 1000, 1) for g in groups])
    return _svg(chart, "divisions")


def months_chart(report: Report) -> str:
    """Contracts notified each month, with and without social consideration."""
    months = [g for g in report.by_month if g.key]
    chart = pygal.StackedBar(**_options("Marchés notifiés par mois", x_label_rotation=0))
    chart.x_labels = [g.label[:4] + "." if len(g.label) > 5 else g.label for g in months]
    chart.add("Avec considération sociale", [g.social for g in months])
    chart.add("Sans considération sociale", [g.no_social for g in months])
    return _svg(chart, "months")


def all_charts(report: Report) -> dict[str, str]:
    if report.is_empty:
        return {}
    return {
        "targets": targets_chart(report),
        "types": types_chart(report),
        "divisions": divisions_chart(report),
        "months": months_chart(report),
    }

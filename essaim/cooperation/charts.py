"""Server-side SVG charts (pygal), always shown with their data table for screen readers."""

from __future__ import annotations

import sys

import pygal
from pygal.style import Style

from .selectors import FlowQuarter

# pygal appends a legacy `sys.meta_path` finder (for its map plugins, unused here) that makes every later
# failed import emit an ImportWarning; remove it.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]


CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=("#1f5c4a", "#c2410c", "#1d4ed8"),
    font_family="system-ui, sans-serif",
)


def flows_chart_svg(quarters: list[FlowQuarter]) -> str:
    """A bar chart of tonnes collected, reused and recycled per quarter, as inline SVG (no script)."""
    chart = pygal.Bar(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=800,
        height=360,
        legend_at_bottom=True,
        show_y_guides=True,
        x_label_rotation=0,
        truncate_label=-1,
        truncate_legend=-1,
        title="Flux de matières par trimestre (tonnes)",
    )
    chart.x_labels = [q.label for q in quarters]
    chart.add("Collecté", [float(q.collected) for q in quarters])
    chart.add("Réemployé", [float(q.reused) for q in quarters])
    chart.add("Recyclé", [float(q.recycled) for q in quarters])
    return str(chart.render(is_unicode=True))

"""Charts drawn on the server (pygal SVG) shown as images."""

from __future__ import annotations

import base64

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def svg_image(svg: str, alt: str = "") -> SafeString:
    """The SVG as an `<img>` with a `data:` URI: its own styles and script stay inside the image document,
    so the page needs no inline style or script (Content-Security-Policy: `img-src 'self' data:`). The
    figures are in the data table that goes with every chart, hence an empty `alt` on web pages (the image
    sits in an `aria-hidden` box beside its caption). A tagged PDF needs a text for each figure (PDF/UA):
    there the caption is given as `alt`, and the chart's drawn labels stay inside that figure."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return format_html('<img src="data:image/svg+xml;base64,{}" alt="{}">', data, alt)

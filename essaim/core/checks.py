"""System checks: the brand colours configured for the territory must stay accessible (WCAG AA)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from .colors import contrast_ratio


@register()
def brand_colours_are_accessible(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    primary = settings.ESSAIM_BRAND.get("primary_color", "")
    try:
        ratio = contrast_ratio(primary, "#ffffff")
    except ValueError:
        return [Error(f"BRAND_PRIMARY_COLOR {primary!r} is not a #rrggbb colour.", id="essaim.E001")]
    if ratio < 4.5:
        errors.append(
            Error(
                f"BRAND_PRIMARY_COLOR {primary} has a contrast ratio of {ratio:.2f}:1 with white; "
                "WCAG 2.1 AA needs 4.5:1 for text.",
                id="essaim.E002",
            )
        )
    return errors

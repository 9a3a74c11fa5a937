"""Accessible form rendering: labels, help texts and errors tied to their field (aria-describedby)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.inclusion_tag("includes/field.html")
def form_field(field: BoundField, **attrs: Any) -> dict[str, Any]:
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-help")
    if field.errors:
        described_by.append(f"{field.auto_id}-errors")
    widget_attrs = {key.replace("_", "-"): value for key, value in attrs.items()}
    if described_by:
        widget_attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        widget_attrs["aria-invalid"] = "true"
    if field.field.required:
        widget_attrs["required"] = True
    return {
        "field": field,
        "widget": field.as_widget(attrs=widget_attrs),
        "is_checkbox": field.widget_type == "checkbox",
    }


@register.inclusion_tag("includes/form_errors.html")
def form_errors(form: Any) -> dict[str, Any]:
    """The summary shown at the top of a form with errors: each links to its field."""
    return {"form": form}

"""The accessibility status shown in every page's footer, computed from the audit grid (core.accessibility)."""

from __future__ import annotations

from django import template

from essaim.core.accessibility import current_audit

register = template.Library()


@register.simple_tag
def accessibility_status() -> str:
    return current_audit().status

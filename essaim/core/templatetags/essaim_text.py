"""French text in templates (a builtin library: no `{% load %}` needed).

`{{ n }} structure{{ n|pluriel }} prévenue{{ n|pluriel }}`, `travail{{ n|pluriel:",x" }}`: French plurals
(from 2 on), where Django's `pluralize` would write "0 structures"; `{{ kind_label|minuscule }}`: a label inside
a sentence ("structure de l'ESS", where `|lower` writes "structure de l'ess"). See `essaim.core.french`.
"""

from __future__ import annotations

from typing import Any

from django import template

from essaim.core import french

register = template.Library()


@register.filter
def pluriel(value: Any, suffixes: str = "s") -> str:
    """The plural ending after a count (a number, or a collection's length)."""
    if not isinstance(value, int | float) and hasattr(value, "__len__"):
        value = len(value)
    try:
        count = float(value)
    except (TypeError, ValueError):
        return ""
    return french.plural(count, suffixes)


@register.filter
def minuscule(value: Any) -> str:
    """A label inside a sentence: its first letter in lowercase, acronyms kept."""
    return french.lowercase_start(str(value))

"""The structure's own dashboard part of its profile, shown to its members only.

The directory imports no app above it: an app that has something for a structure (cooperation: the
partners' support offers) registers a panel from its `AppConfig.ready()`:

    dashboard.register_panel("cooperation/includes/support_offers.html",
                             "essaim.cooperation.selectors.structure_support_panel")

The second argument is the dotted path of a function `(structure) -> context` of the template; a panel
whose context is empty is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:  # the models module is not loaded when apps register their panels
    from .models import Structure

_panels: dict[str, str] = {}


def register_panel(template: str, context: str) -> None:
    _panels[template] = context


def panels(structure: Structure, request: HttpRequest) -> list[SafeString]:
    """The registered panels rendered for this structure, in registration order."""
    rendered = []
    for template, path in _panels.items():
        context_of: Callable[[Structure], dict[str, Any]] = import_string(path)
        context = context_of(structure)
        if context:
            rendered.append(render_to_string(template, context, request=request))
    return rendered

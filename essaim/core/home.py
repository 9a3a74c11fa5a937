"""The home page's key figures. Core imports no app: each app registers a provider of its figures from its
`AppConfig.ready()` (`home.register_figures("essaim.accounts.selectors.home_figures", order=10)`), given
as a dotted path so that nothing is imported before the home page asks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class KeyFigure:
    value: int
    label: str


_providers: dict[str, int] = {}


def register_figures(path: str, *, order: int) -> None:
    """`path` names a function of no argument returning a list of `KeyFigure`; lower `order` first."""
    _providers[path] = order


def key_figures() -> list[KeyFigure]:
    figures: list[KeyFigure] = []
    for path in sorted(_providers, key=lambda p: (_providers[p], p)):
        provider: Callable[[], list[KeyFigure]] = import_string(path)
        figures.extend(provider())
    return figures

"""Reads of core: the home page's key figures, contributed by the apps (see `core.home`)."""

from __future__ import annotations

from essaim.core.home import KeyFigure, key_figures


def home_key_figures() -> list[KeyFigure]:
    return key_figures()

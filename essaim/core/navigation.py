"""The main navigation. Each capability adds its entry here; entries whose URL does not exist are hidden."""

from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse

# (url name, label, shown to anonymous visitors)
MAIN_NAVIGATION: list[tuple[str, str, bool]] = [
    ("directory:search", "Annuaire de l'ESS", True),
    ("sourcing:need_list", "Besoins", False),
    ("events:event_list", "Événements", True),
    ("insight:home", "Indicateurs", False),
    ("cooperation:home", "Coopération", False),
]


@cache
def available_entries() -> list[tuple[str, str, bool]]:
    entries = []
    for name, label, public in MAIN_NAVIGATION:
        try:
            entries.append((reverse(name), label, public))
        except NoReverseMatch:
            continue
    return entries

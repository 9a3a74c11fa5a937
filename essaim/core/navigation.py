"""The main navigation. Each capability adds its entry here; entries whose URL does not exist are hidden."""

from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse

# (url name, label, shown to anonymous visitors[, named rule the person must pass to see the entry])
MAIN_NAVIGATION: list[tuple[str, str, bool] | tuple[str, str, bool, str]] = [
    ("directory:search", "Annuaire de l'ESS", True),
    ("sourcing:need_list", "Besoins", False),
    ("events:event_list", "Événements", True),
    ("insight:home", "Indicateurs", False),
    ("cooperation:home", "Coopération", False),
    ("clauses:home", "Clauses sociales", False, "clauses.view_home"),
]


@cache
def available_entries() -> list[tuple[str, str, str, bool, str]]:
    """(url name, url, label, public, rule or "") of the entries whose URL exists. The url name is the
    `section` of the home page's waiting items that the entry's badge counts (`core.home`)."""
    entries = []
    for name, label, public, *rule in MAIN_NAVIGATION:
        try:
            entries.append((name, reverse(name), label, public, rule[0] if rule else ""))
        except NoReverseMatch:
            continue
    return entries

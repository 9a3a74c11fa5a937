from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .colors import readable_text_on
from .home import WaitingCounts, viewer_of, waiting_counts
from .navigation import available_entries


def brand(request: HttpRequest) -> dict[str, Any]:
    config = settings.ESSAIM_BRAND
    return {
        "brand": {**config, "accent_text_color": readable_text_on(config["accent_color"])},
    }


def _waiting(request: HttpRequest) -> WaitingCounts:
    """The counts of the navigation's badges, read once per request (one cache read when fresh)."""
    counts: WaitingCounts | None = getattr(request, "_essaim_waiting", None)
    if counts is None:
        counts = waiting_counts(viewer_of(request.user))
        request._essaim_waiting = counts  # type: ignore[attr-defined]
    return counts


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation with the badges of what waits for the person (`core.home`), and their total for the
    dashboard's link. Lazy: a partial returned to htmx that shows no navigation reads no count."""
    authenticated = request.user.is_authenticated
    current = request.path

    def entries() -> list[dict[str, Any]]:
        by_section = _waiting(request).by_section if authenticated else {}
        return [
            {
                "url": url,
                "label": label,
                "current": current.startswith(url),
                "waiting": by_section.get(name, 0),
            }
            for name, url, label, public, rule in available_entries()
            if (public or authenticated) and (not rule or request.user.has_perm(rule))
        ]

    return {
        "main_navigation": SimpleLazyObject(entries),
        "waiting_total": SimpleLazyObject(lambda: _waiting(request).total if authenticated else 0),
    }

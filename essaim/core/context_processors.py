from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .colors import readable_text_on
from .navigation import available_entries


def brand(request: HttpRequest) -> dict[str, Any]:
    config = settings.ESSAIM_BRAND
    return {
        "brand": {**config, "accent_text_color": readable_text_on(config["accent_color"])},
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    authenticated = request.user.is_authenticated
    current = request.path
    return {
        "main_navigation": [
            {"url": url, "label": label, "current": current.startswith(url)}
            for url, label, public, rule in available_entries()
            if (public or authenticated) and (not rule or request.user.has_perm(rule))
        ]
    }

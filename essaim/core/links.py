"""Absolute links for what leaves the site (emails, PDFs, exports): the one place that knows its address.

`settings.ESSAIM_SITE_URL` is the public address of the instance (`https://achats.example.fr`), required
in production (`config/settings/prod.py` refuses to start without it); the demo sets it from the address
it serves. Never build such links from a request (a task has none) nor from a hard-coded host.
"""

from __future__ import annotations

from django.conf import settings


def site_url() -> str:
    """The instance's public address, without a trailing slash."""
    return str(settings.ESSAIM_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (as `reverse()` gives it, starting with `/`) as a full link on this instance."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url expects a path starting with '/', got {path!r}")
    return site_url() + path

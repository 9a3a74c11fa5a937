"""Who is asking: the client's IP address, read behind the trusted proxies the deployment declares."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as the outermost trusted proxy saw it.

    With `ESSAIM_TRUSTED_PROXY_COUNT = n` (0 by default: no header is trusted), each of the n proxies in
    front of the application appends the address it received the request from to `X-Forwarded-For`, and
    the last one is `REMOTE_ADDR`. The client is then the n-th entry from the right; anything further left
    was written by the client itself and is ignored. A header shorter than n entries (a request that did
    not come through every proxy) or an entry that is not an IP address falls back to `REMOTE_ADDR`.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "ESSAIM_TRUSTED_PROXY_COUNT", 0) or 0)
    if count > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry for entry in header.split(",") if entry.strip()]
        if len(entries) >= count:
            forwarded = _valid_ip(entries[-count])
            if forwarded is not None:
                return forwarded
    return _valid_ip(remote) or remote or "0.0.0.0"  # noqa: S104  (an unknown client, never a bind address)

"""Rate limits kept in the database, so that every application instance counts the same hits (no cache needed).

`rate_limit_hit(scope=..., key=..., message=...)` counts one action and raises `RateLimited` past the scope's
limit (`settings.ESSAIM_RATE_LIMITS[scope]`: `limit` actions per `seconds`). Keys are hashed before they are
stored (an IP address is personal data). Login attempts have their own throttle (django-axes,
`essaim.accounts.throttle`).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .errors import RateLimited
from .models import RateLimitHit


def _hashed(scope: str, key: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}\0{scope}\0{key}".encode()).hexdigest()


@transaction.atomic
def rate_limit_hit(*, scope: str, key: str, message: str) -> None:
    """Count one action of `key` in `scope`; raise `RateLimited(message)` (nothing counted) when `key` already
    reached the scope's limit within its window. Hits older than the window are purged on the way."""
    rate = settings.ESSAIM_RATE_LIMITS[scope]
    since = timezone.now() - timedelta(seconds=rate["seconds"])
    RateLimitHit.objects.filter(scope=scope, created_at__lt=since).delete()
    hashed = _hashed(scope, key)
    if RateLimitHit.objects.filter(scope=scope, key=hashed, created_at__gte=since).count() >= rate["limit"]:
        raise RateLimited(message)
    RateLimitHit.objects.create(scope=scope, key=hashed)

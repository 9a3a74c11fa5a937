"""What the pages of the capability share: the strict rule check for people's data, the year choices."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import HttpRequest
from django.utils import timezone

from ..models import Contract


def check_people_rule(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Raise 403 unless the named rule allows the user: `rules.has_perm`, so that superusers are not widened
    into people's data (identities, eligibility: facilitators only)."""
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied(perm)


def can(request: HttpRequest, perm: str, obj: Any = None) -> bool:
    return rules.has_perm(perm, request.user, obj)


def year_choices() -> list[int]:
    """Years from the first contract's start to the last one's end (and this year), most recent first."""
    this_year = timezone.localdate().year
    bounds = Contract.objects.aggregate(first=Min("start_date"), last=Max("end_date"))
    first = bounds["first"].year if bounds["first"] else this_year
    last = max(bounds["last"].year if bounds["last"] else this_year, this_year)
    return list(range(min(last, this_year + 5), first - 1, -1))

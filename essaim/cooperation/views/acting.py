"""Who is looking: the organisation the user acts for, and the support-offer audience it belongs to."""

from __future__ import annotations

from django.http import HttpRequest

from essaim.accounts.models import Organisation

from ..models import SupportOffer


def active_organisation(request: HttpRequest) -> Organisation | None:
    membership = request.organisations.active  # type: ignore[attr-defined]
    return membership.organisation if membership is not None else None


def audience_of(organisation: Organisation | None) -> str:
    if organisation is not None and organisation.kind == Organisation.Kind.BUYER:
        return SupportOffer.Audience.BUYERS
    if organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER:
        return SupportOffer.Audience.SUPPLIERS
    return SupportOffer.Audience.BOTH

"""The support-offer audience an organisation belongs to."""

from __future__ import annotations

from essaim.accounts.models import Organisation

from ..models import SupportOffer


def audience_of(organisation: Organisation | None) -> str:
    if organisation is not None and organisation.kind == Organisation.Kind.BUYER:
        return SupportOffer.Audience.BUYERS
    if organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER:
        return SupportOffer.Audience.SUPPLIERS
    return SupportOffer.Audience.BOTH

"""Helpers shared by the sourcing pages: the acting organisation as a buyer or a supplier, the need lookup."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from essaim.accounts.acting import acting_organisation
from essaim.accounts.models import Organisation

from .. import selectors
from ..models import Need

MATCHES_SHOWN = 20


def acting_buyer(request: HttpRequest) -> Organisation:
    organisation = acting_organisation(request)
    if organisation is None or organisation.kind != Organisation.Kind.BUYER:
        raise PermissionDenied("sourcing: active organisation is not a buyer")
    return organisation


def acting_supplier(request: HttpRequest) -> Organisation:
    organisation = acting_organisation(request)
    if organisation is None or organisation.kind != Organisation.Kind.SUPPLIER:
        raise PermissionDenied("sourcing: active organisation is not a supplier")
    return organisation


def need_or_404(pk: int) -> Need:
    return get_object_or_404(selectors.need_queryset(), pk=pk)

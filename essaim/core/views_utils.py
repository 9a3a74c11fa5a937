"""Helpers shared by thin views: named permission checks and turning domain errors into messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest

from .errors import DomainError


def check_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Raise 403 unless the named rule `perm` allows the user (on `obj`)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def report_domain_error(request: HttpRequest, error: DomainError, form: Form | None = None) -> None:
    """Attach the error to its form field when it names one, otherwise show it as a message."""
    if form is not None and error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    elif form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)

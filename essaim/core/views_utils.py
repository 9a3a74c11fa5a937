"""Helpers shared by thin views: named permission checks, turning domain errors into messages, and the
usual form page (validate, save through a service, say so, redirect; or show the errors with a 400)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .errors import DomainError


def check_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Raise 403 unless the named rule `perm` allows the user (on `obj`)."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(perm)


def report_domain_error(request: HttpRequest, error: DomainError, form: Form | None = None) -> None:
    """Attach each broken rule to its form field when it names one, otherwise show it as a message: all at
    once (`DomainError.errors`)."""
    for field, message in error.errors:
        if form is not None and field and field in form.fields:
            form.add_error(field, message)
        elif form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)


def form_page(
    request: HttpRequest,
    form: Form,
    template: str,
    *,
    save: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    next_url: Callable[[Any], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """On a valid POST, `save(cleaned_data)` (a service call), show `success(saved)` and redirect to
    `next_url(saved)`; a domain error goes to its field. Otherwise render `template` with the form, with
    status 400 after a POST (errors by field) and 200 on GET."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, success(saved))
            return redirect(next_url(saved))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)

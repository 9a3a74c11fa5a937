"""The facilitators' console (outside the back office): what waits for review, invitations one by one or
from a table with the report of each row, invitations not yet accepted (since when) to send again or cancel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from essaim.accounts import services as account_services
from essaim.accounts.models import Invitation
from essaim.core import review
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.exports import CSV_CONTENT_TYPE, csv_bytes
from essaim.core.views_utils import check_perm, report_domain_error

from .. import services
from ..forms import InviteFileForm, InviteForm
from ..selectors import invitations_not_accepted, organisations_without_members

REPORT_SESSION_KEY = "onboarding.invitation_report"


def console(request: HttpRequest) -> HttpResponse:
    check_perm(request, "onboarding.console")
    return render(
        request,
        "onboarding/console.html",
        {
            "counts": review.pending_counts(request.user),
            "not_accepted": invitations_not_accepted().count(),
            "without_members": organisations_without_members().count(),
            "form": InviteForm(),
            "file_form": InviteFileForm(),
        },
    )


def invite(request: HttpRequest) -> HttpResponse:
    check_perm(request, "onboarding.console")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.organisation_invite(
                actor=request.user,  # type: ignore[arg-type]
                name=data["name"],
                siret=data["siret"],
                kind=data["kind"],
                email=data["email"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            name = outcome.organisation.name if outcome.organisation else ""
            messages.success(request, f"{outcome.email} ({name}) : {outcome.label}.")
            return redirect("onboarding:invite")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/invite.html", {"form": form}, status=status)


def invite_file(request: HttpRequest) -> HttpResponse:
    check_perm(request, "onboarding.console")
    form = InviteFileForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.invitations_import(
                actor=request.user,  # type: ignore[arg-type]
                filename=upload.name,
                raw=upload.read(),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            request.session[REPORT_SESSION_KEY] = {
                "header": report.header,
                "rejected": [[row.line, row.message, *row.cells] for row in report.rejected],
            }
    status = 400 if request.method == "POST" and report is None else 200
    context: dict[str, Any] = {"form": form, "report": report, "labels": services.OUTCOME_LABELS}
    if report is not None:
        context["counts"] = [
            (label, report.count(status)) for status, label in services.OUTCOME_LABELS.items()
        ]
    return render(request, "onboarding/invite_file.html", context, status=status)


def invite_rejected_csv(request: HttpRequest) -> HttpResponse:
    """The rejected rows of the last table imported in this session, with their reasons (formula-safe)."""
    check_perm(request, "onboarding.console")
    kept = request.session.get(REPORT_SESSION_KEY)
    if not kept:
        raise Http404("Aucun import dans cette session")
    header = ["ligne", "motif du refus", *kept["header"]]
    return attachment(csv_bytes(header, kept["rejected"]), CSV_CONTENT_TYPE, "invitations-refusees.csv")


def invitations(request: HttpRequest) -> HttpResponse:
    check_perm(request, "onboarding.console")
    state = request.GET.get("etat", "")
    state = state if state in ("pending", "expired") else ""
    page = Paginator(invitations_not_accepted(state=state), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "onboarding/invitations.html",
        {"page": page, "state": state, "without_members": organisations_without_members()[:50]},
    )


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "onboarding.console")
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
    try:
        account_services.invitation_resend(actor=request.user, invitation=invitation)  # type: ignore[arg-type]
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, f"Invitation renvoyée à {invitation.email}.")
    return redirect("onboarding:invitations")


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "onboarding.console")
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
    try:
        account_services.invitation_revoke(actor=request.user, invitation=invitation)  # type: ignore[arg-type]
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, f"Invitation de {invitation.email} annulée.")
    return redirect("onboarding:invitations")

"""Registration pages: register, detail, badge PDF, cancel by signed link, the list, all badges, check-in."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_permissions_policy.decorators import permissions_policy_override

from essaim.accounts.acting import acting_memberships_of, acting_organisation
from essaim.accounts.models import Organisation
from essaim.core.downloads import pdf_attachment
from essaim.core.errors import DomainError
from essaim.core.links import absolute_url
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..forms import (
    CheckInSearchForm,
    RegistrationForm,
)
from ..models import Event, Registration
from .lookups import event_or_404, registration_or_404

# Registration
# --------------------------------------------------------------------------------------------------------


def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.register")
    event = event_or_404(pk, request)
    existing = selectors.registration_of(event, request.user)
    if existing is not None:
        return redirect("events:registration_detail", pk=existing.pk)
    memberships = acting_memberships_of(request.user)
    acting = acting_organisation(request)
    role = services.role_for(acting) if acting else ""
    form = RegistrationForm(
        request.POST or None,
        organisations=Organisation.objects.filter(pk__in=[m.organisation_id for m in memberships]),
        roles=set().union(*(services.allowed_roles(m.organisation) for m in memberships)),
        initial={"organisation": acting.pk if acting else None, "role": role},
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user,
                event=event,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(
                    request, "Inscription confirmée. Un courriel avec l'invitation vous a été envoyé."
                )
            else:
                reason = selectors.waitlist_reason(event, registration.role) or selectors.EVENT_FULL
                messages.info(
                    request,
                    f"{reason} : vous êtes sur la liste d'attente. "
                    "Nous vous écrirons dès qu'une place se libère.",
                )
            return redirect("events:registration_detail", pk=registration.pk)
    is_open = event.registration_is_open()
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "registration_open": is_open,
            "waitlist_reason": selectors.waitlist_reason(event, role) if is_open and role else "",
        },
        status=400 if form.errors else 200,
    )


def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = registration_or_404(pk)
    check_perm(request, "events.view_registration", registration)
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": registration.event,
            "cancel_token": services.registration_cancel_token(registration),
            "is_owner": registration.user_id == request.user.pk,
        },
    )


def registration_badge(request: HttpRequest, pk: int) -> HttpResponse:
    registration = registration_or_404(pk)
    check_perm(request, "events.view_registration", registration)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    context = {
        "registration": registration,
        "event": registration.event,
        "qr": _check_in_qr(request, registration),
    }
    if request.GET.get("format") == "pdf":
        return pdf_attachment(request, "events/badge_pdf.html", context, f"badge-{registration.pk}.pdf")
    return render(request, "events/badge.html", context)


def _check_in_qr(request: HttpRequest, registration: Registration) -> str:
    """The badge's QR code (an SVG data URI): the signed check-in link of the registration."""
    check_in_url = absolute_url(
        reverse("events:checkin_scan", args=[services.registration_check_in_token(registration)])
    )
    return segno.make(check_in_url, error="m").svg_data_uri(scale=4)


def badges(request: HttpRequest, pk: int) -> HttpResponse:
    """All the badges of the confirmed participants, to print before the event (`?format=pdf`)."""
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    registrations = list(selectors.badge_registrations(event))
    if request.GET.get("format") == "pdf":
        context = {
            "event": event,
            "badges": [(r, _check_in_qr(request, r)) for r in registrations],
        }
        return pdf_attachment(request, "events/badges_pdf.html", context, f"badges-{event.pk}.pdf")
    return render(request, "events/badges.html", {"event": event, "registrations": registrations})


@login_not_required
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = services.registration_from_token(token, purpose="cancel")
    except DomainError as error:
        return render(request, "events/cancel.html", {"error": error.message}, status=400)
    if request.method == "POST":
        try:
            services.registration_cancel(actor=request.user, registration=registration)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Votre inscription est annulée.")
        return redirect("events:registration_cancel", token=token)
    return render(request, "events/cancel.html", {"registration": registration, "event": registration.event})


def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "registrations": selectors.registrations_for_facilitator(event),
            "figures": selectors.registration_figures(event),
        },
    )


# Check-in
# --------------------------------------------------------------------------------------------------------


@permissions_policy_override(settings.PERMISSIONS_POLICY_CHECK_IN)
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """Search by name, or scan a badge with the camera (checkin-scan.js). Back from "Pointer l'arrivée"
    (`?pointe=1`) the search is kept and the focus is on the status message ("Arrivée de … enregistrée"),
    read at once, the search field one Tab further; back from a scanned badge (`?scanner=1`) the camera
    opens again."""
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = CheckInSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = (
        list(
            selectors.registrations_for_facilitator(event, query=query).filter(
                status=Registration.Status.CONFIRMED
            )[:50]
        )
        if query
        else []
    )
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "found": found,
            "query": query,
            "scan_again": bool(request.GET.get("scanner")),
            "focus_messages": bool(request.GET.get("pointe")),  # base.html, essaim.js
            "figures": selectors.registration_figures(event),
        },
    )


def checkin_scan(request: HttpRequest, token: str) -> HttpResponse:
    """Scanning a badge opens this page; the facilitator confirms the arrival with one button."""
    check_perm(request, "events.manage_event")
    try:
        registration = services.registration_from_token(token, purpose="checkin")
    except DomainError as error:
        return render(request, "events/checkin_scan.html", {"error": error.message}, status=400)
    return render(
        request, "events/checkin_scan.html", {"registration": registration, "event": registration.event}
    )


@require_POST
def checkin_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the arrival, then back to the check-in page: to the same search when it came from the search
    (`q`), to the camera when it came from a scanned badge (`scanner`)."""
    check_perm(request, "events.manage_event")
    registration = registration_or_404(pk)
    try:
        services.registration_check_in(actor=request.user, registration=registration)
        messages.success(request, f"Arrivée de {registration.user.get_full_name()} enregistrée.")
    except DomainError as error:
        report_domain_error(request, error)
    back = reverse("events:checkin", args=[registration.event_id])
    query = request.POST.get("q", "").strip()[:100]
    if query:
        back += "?" + urlencode({"q": query, "pointe": 1})
    elif request.POST.get("scanner"):
        back += "?scanner=1"
    return redirect(back)

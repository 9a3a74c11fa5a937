"""Buyer–supplier meetings, participants' side: profile, directory, requests, agenda, outcomes and the
collaborations they led to."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.acting import memberships_by_organisation
from essaim.core.downloads import attachment, pdf_attachment
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..calendar import agenda_calendar
from ..forms import (
    MeetingOutcomeForm,
    MeetingProfileForm,
    MeetingRequestForm,
    ParticipantFilterForm,
)
from ..models import Meeting, MeetingRequest, Registration
from .lookups import event_or_404, registration_or_404

# Buyer–supplier meetings: participants' side
# --------------------------------------------------------------------------------------------------------


def meeting_profile(request: HttpRequest, pk: int) -> HttpResponse:
    registration = registration_or_404(pk)
    check_perm(request, "events.edit_meeting_profile", registration)
    event = registration.event
    if not event.offers_meetings:
        raise Http404
    initial = {
        "offer": registration.offer,
        "seek": registration.seek,
        "available_slots": [s for s in range(event.slot_count) if registration.is_available(s)],
    }
    form = MeetingProfileForm(request.POST or None, event=event, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_profile_update(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Votre profil de rendez-vous est enregistré.")
            return redirect("events:meeting_profile", pk=pk)
    sent, received = selectors.requests_of(registration)
    return render(
        request,
        "events/meeting_profile.html",
        {"registration": registration, "event": event, "form": form, "sent": sent, "received": received},
        status=400 if form.errors else 200,
    )


def participants(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk, request)
    check_perm(request, "events.browse_participants", event)
    if not event.offers_meetings:
        raise Http404
    viewer = selectors.registration_of(event, request.user)
    if viewer is not None and viewer.status != Registration.Status.CONFIRMED:
        viewer = None
    form = ParticipantFilterForm(request.GET or None)
    role, query = "", ""
    if form.is_valid():
        role, query = form.cleaned_data["role"], form.cleaned_data["q"]
    return render(
        request,
        "events/participants.html",
        {
            "event": event,
            "viewer": viewer,
            "form": form,
            "rows": selectors.participants(event, viewer=viewer, role=role, query=query),
            "request_form": MeetingRequestForm(),
        },
    )


@require_POST
def meeting_request_create(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponse:
    requester = registration_or_404(pk)
    check_perm(request, "events.request_meeting", requester)
    recipient = registration_or_404(recipient_pk)
    form = MeetingRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une priorité.")
    else:
        try:
            services.meeting_request_create(
                actor=request.user, requester=requester, recipient=recipient, **form.cleaned_data
            )
            messages.success(request, f"Demande de rendez-vous envoyée à {recipient.organisation}.")
        except DomainError as error:
            report_domain_error(request, error)
    return redirect("events:participants", pk=requester.event_id)


def _meeting_request(pk: int) -> MeetingRequest:
    return get_object_or_404(MeetingRequest.objects.select_related("requester", "recipient", "event"), pk=pk)


@require_POST
def meeting_request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    meeting_request = _meeting_request(pk)
    check_perm(request, "events.decide_meeting_request", meeting_request)
    if decision not in ("accepter", "refuser"):
        raise Http404
    try:
        services.meeting_request_decide(
            actor=request.user, request=meeting_request, accept=decision == "accepter"
        )
        messages.success(request, "Demande acceptée." if decision == "accepter" else "Demande refusée.")
    except DomainError as error:
        report_domain_error(request, error)
    if request.user.pk == meeting_request.recipient.user_id:
        return redirect("events:meeting_profile", pk=meeting_request.recipient_id)
    return redirect("events:meetings_manage", pk=meeting_request.event_id)


@require_POST
def meeting_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting_request = _meeting_request(pk)
    check_perm(request, "events.cancel_meeting_request", meeting_request)
    services.meeting_request_cancel(actor=request.user, request=meeting_request)
    messages.success(request, "Demande annulée.")
    if request.user.pk == meeting_request.requester.user_id:
        return redirect("events:meeting_profile", pk=meeting_request.requester_id)
    return redirect("events:meetings_manage", pk=meeting_request.event_id)


def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    registration = registration_or_404(pk)
    check_perm(request, "events.view_registration", registration)
    event = registration.event
    if not event.offers_meetings:
        raise Http404
    published = event.agendas_published_at is not None or request.user.has_perm("events.manage_event")
    meetings = selectors.agenda(registration) if published else []
    fmt = request.GET.get("format")
    if fmt == "ics":
        return attachment(
            agenda_calendar(registration, meetings), "text/calendar; charset=utf-8", f"agenda-{pk}.ics"
        )
    context = {
        "registration": registration,
        "event": event,
        "published": published,
        "rows": selectors.agenda_rows(registration) if published else [],
        "meeting_count": len(meetings),
        "outcome_form": MeetingOutcomeForm(),
        "after_event": timezone.now() >= event.starts_at,
    }
    if fmt == "pdf":
        return pdf_attachment(request, "events/agenda_pdf.html", context, f"agenda-{pk}.pdf")
    return render(request, "events/agenda.html", context)


@require_POST
def meeting_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("a", "b", "event"), pk=pk)
    check_perm(request, "events.mark_meeting_outcome", meeting)
    form = MeetingOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez la suite donnée au rendez-vous.")
    else:
        try:
            services.meeting_outcome_set(actor=request.user, meeting=meeting, **form.cleaned_data)
            messages.success(request, "Suite du rendez-vous enregistrée.")
        except DomainError as error:
            report_domain_error(request, error)
    mine = next((r for r in (meeting.a, meeting.b) if r.user_id == request.user.pk), None)
    if mine is not None:
        return redirect("events:agenda", pk=mine.pk)
    return redirect("events:meetings_manage", pk=meeting.event_id)


def collaborations(request: HttpRequest, pk: int) -> HttpResponse:
    """The collaborations the event's meetings led to: all of them for facilitators, else the viewer's
    organisations' own."""
    event = event_or_404(pk, request)
    check_perm(request, "events.view_collaborations", event)
    everything = request.user.has_perm("events.manage_event")
    records = list(
        selectors.event_collaborations(
            event, organisation_ids=None if everything else list(memberships_by_organisation(request.user))
        )
    )
    return render(
        request,
        "events/collaborations.html",
        {
            "event": event,
            "records": records,
            "everything": everything,
            "total_amount": sum((r.amount for r in records if r.amount is not None), start=0),
            "collaboration_count": sum(1 for r in records if r.status == "collaboration"),
        },
    )

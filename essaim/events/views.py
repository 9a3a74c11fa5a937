"""Pages of the events capability. Thin: a named rule, a form, one service or selector, render.

Files (the `.ics` invitation, badge and agenda PDFs) are alternative formats of an HTML page, asked for with
`?format=ics` or `?format=pdf`, so that every URL pattern is a page that can be opened and checked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from . import selectors, services
from .calendar import agenda_calendar, event_calendar
from .forms import (
    CheckInSearchForm,
    EventForm,
    ExhibitorFilterForm,
    MeetingForceForm,
    MeetingOutcomeForm,
    MeetingProfileForm,
    MeetingRequestForm,
    MeetingSetupForm,
    ParticipantFilterForm,
    ProgrammeItemForm,
    RegistrationForm,
    StandForm,
)
from .models import Event, Meeting, MeetingRequest, ProgrammeItem, Registration, Stand


def _event(pk: int, request: HttpRequest) -> Event:
    try:
        event = selectors.event_detail(pk)
    except Event.DoesNotExist as error:
        raise Http404 from error
    if not event.is_published and not request.user.has_perm("events.manage_event"):
        raise Http404
    return event


def _registration(pk: int) -> Registration:
    try:
        return selectors.registration_with_event(pk)
    except Registration.DoesNotExist as error:
        raise Http404 from error


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return _file(
        HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(), "application/pdf", filename
    )


# --------------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------------


@login_not_required
def event_list(request: HttpRequest) -> HttpResponse:
    manager = request.user.has_perm("events.manage_event")
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": selectors.events_upcoming(include_unpublished=manager),
            "past": selectors.events_past(include_unpublished=manager)[:20],
            "can_manage": manager,
        },
    )


@login_not_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk, request)
    if request.GET.get("format") == "ics":
        return _file(event_calendar(event), "text/calendar; charset=utf-8", f"evenement-{event.pk}.ics")
    registration = selectors.registration_of(event, request.user)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "figures": selectors.registration_figures(event),
            "outcomes": selectors.meeting_outcome_figures(event),
            "can_manage": request.user.has_perm("events.manage_event"),
            "can_register": request.user.has_perm("events.register"),
            "registration_open": event.registration_is_open(),
            "stand_count": event.stands.count(),
            "now": timezone.now(),
        },
    )


def event_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "events.manage_event")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Événement créé.")
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request, "events/event_form.html", {"form": form, "event": None}, status=400 if form.errors else 200
    )


def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Événement mis à jour.")
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "event": event,
            "programme_form": ProgrammeItemForm(),
            "programme": event.programme.all(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def programme_add(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = ProgrammeItemForm(request.POST)
    if form.is_valid():
        try:
            services.programme_item_add(actor=request.user, event=event, **form.cleaned_data)
            messages.success(request, "Temps ajouté au programme.")
        except DomainError as error:
            report_domain_error(request, error)
    else:
        messages.error(
            request, "Le temps du programme n'a pas été ajouté : vérifiez le titre et les horaires."
        )
    return redirect("events:event_edit", pk=pk)


@require_POST
def programme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    item = get_object_or_404(ProgrammeItem.objects.select_related("event"), pk=pk)
    services.programme_item_delete(actor=request.user, item=item)
    messages.success(request, "Temps retiré du programme.")
    return redirect("events:event_edit", pk=item.event_id)


# --------------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------------


def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.register")
    event = _event(pk, request)
    existing = selectors.registration_of(event, request.user)
    if existing is not None:
        return redirect("events:registration_detail", pk=existing.pk)
    organisations = request.user.memberships.values_list("organisation", flat=True)
    from essaim.accounts.models import Organisation

    form = RegistrationForm(
        request.POST or None, organisations=Organisation.objects.filter(pk__in=organisations, is_active=True)
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
                messages.info(request, "L'événement est complet : vous êtes sur la liste d'attente.")
            return redirect("events:registration_detail", pk=registration.pk)
    return render(
        request,
        "events/register.html",
        {"event": event, "form": form, "registration_open": event.registration_is_open()},
        status=400 if form.errors else 200,
    )


def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
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
    registration = _registration(pk)
    check_perm(request, "events.view_registration", registration)
    if registration.status != Registration.Status.CONFIRMED:
        raise Http404
    import segno

    check_in_url = request.build_absolute_uri(
        reverse("events:checkin_scan", args=[services.registration_check_in_token(registration)])
    )
    context = {
        "registration": registration,
        "event": registration.event,
        "qr": segno.make(check_in_url, error="m").svg_data_uri(scale=4),
    }
    if request.GET.get("format") == "pdf":
        return _pdf(request, "events/badge_pdf.html", context, f"badge-{registration.pk}.pdf")
    return render(request, "events/badge.html", context)


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


# --------------------------------------------------------------------------------------------------------
# Stands
# --------------------------------------------------------------------------------------------------------


@login_not_required
def exhibitors(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk, request)
    form = ExhibitorFilterForm(request.GET or None, sectors=selectors.exhibitor_sectors(event))
    query, sector = "", ""
    if form.is_valid():
        query, sector = form.cleaned_data["q"], form.cleaned_data["secteur"]
    stands = list(selectors.exhibitors(event, query=query, sector=sector))
    rows = [(stand, selectors.directory_profile_url(stand.structure_id)) for stand in stands]
    return render(
        request,
        "events/exhibitors.html",
        {"event": event, "form": form, "rows": rows, "filtered": bool(query or sector)},
    )


def stands(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = StandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stand_create(actor=request.user, event=event, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Stand ajouté.")
            return redirect("events:stands", pk=pk)
    return render(
        request,
        "events/stands.html",
        {"event": event, "form": form, "stands": selectors.exhibitors(event)},
        status=400 if form.errors else 200,
    )


@require_POST
def stand_delete(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    stand = get_object_or_404(Stand.objects.select_related("event"), pk=pk)
    services.stand_delete(actor=request.user, stand=stand)
    messages.success(request, "Stand retiré.")
    return redirect("events:stands", pk=stand.event_id)


# --------------------------------------------------------------------------------------------------------
# Check-in
# --------------------------------------------------------------------------------------------------------


def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = CheckInSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = (
        selectors.registrations_for_facilitator(event, query=query).filter(
            status=Registration.Status.CONFIRMED
        )[:50]
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
    check_perm(request, "events.manage_event")
    registration = _registration(pk)
    try:
        services.registration_check_in(actor=request.user, registration=registration)
        messages.success(request, f"Arrivée de {registration.user.get_full_name()} enregistrée.")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("events:checkin", pk=registration.event_id)


# --------------------------------------------------------------------------------------------------------
# Buyer–supplier meetings: participants' side
# --------------------------------------------------------------------------------------------------------


def meeting_profile(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(pk)
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
    event = _event(pk, request)
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
    requester = _registration(pk)
    check_perm(request, "events.request_meeting", requester)
    recipient = _registration(recipient_pk)
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
    registration = _registration(pk)
    check_perm(request, "events.view_registration", registration)
    event = registration.event
    if not event.offers_meetings:
        raise Http404
    published = event.agendas_published_at is not None or request.user.has_perm("events.manage_event")
    meetings = selectors.agenda(registration) if published else []
    fmt = request.GET.get("format")
    if fmt == "ics":
        return _file(
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
        return _pdf(request, "events/agenda_pdf.html", context, f"agenda-{pk}.pdf")
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


# --------------------------------------------------------------------------------------------------------
# Buyer–supplier meetings: the facilitator's side
# --------------------------------------------------------------------------------------------------------


def meetings_manage(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    initial = {
        "meetings_start_at": event.meetings_start_at,
        "slot_minutes": event.slot_minutes,
        "slot_count": event.slot_count or None,
        "breaks": ", ".join(str(b + 1) for b in event.breaks),
        "break_minutes": event.break_minutes,
        "tables": event.tables or None,
    }
    form = MeetingSetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_setup_update(actor=request.user, event=event, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Créneaux et tables enregistrés.")
            return redirect("events:meetings_manage", pk=pk)
    participants_qs = selectors.meeting_participants(event)
    return render(
        request,
        "events/meetings_manage.html",
        {
            "event": event,
            "form": form,
            "force_form": MeetingForceForm(registrations=participants_qs),
            "requests": selectors.accepted_requests(event),
            "meetings": selectors.meetings_with_parties(event),
            "report": event.schedule_report,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def meeting_force(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    form = MeetingForceForm(request.POST, registrations=selectors.meeting_participants(event))
    if form.is_valid():
        try:
            services.meeting_force(actor=request.user, **form.cleaned_data)
            messages.success(request, "Rendez-vous ajouté : il sera placé au prochain calcul du planning.")
        except DomainError as error:
            report_domain_error(request, error)
    else:
        messages.error(request, "Choisissez deux participants.")
    return redirect("events:meetings_manage", pk=pk)


@require_POST
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    try:
        report = services.schedule_run(actor=request.user, event=event)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        status = "optimal prouvé" if report["status"] == "optimal" else "réalisable"
        messages.success(
            request,
            f"Planning calculé ({status}) : {report['meetings']} rendez-vous pour {report['requests']} demandes "
            f"acceptées, {report['idle_periods']} temps morts.",
        )
    return redirect("events:meetings_manage", pk=pk)


@require_POST
def agendas_publish(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    try:
        notified = services.agendas_publish(actor=request.user, event=event)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, f"Agendas publiés : {notified} participant(s) prévenu(s) par courriel.")
    return redirect("events:meetings_manage", pk=pk)


@require_POST
def meeting_lock(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    meeting = get_object_or_404(Meeting, pk=pk)
    services.meeting_lock(actor=request.user, meeting=meeting, locked=not meeting.locked)
    messages.success(request, "Rendez-vous verrouillé." if meeting.locked else "Rendez-vous déverrouillé.")
    return redirect("events:meetings_manage", pk=meeting.event_id)


def table_plan(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    return render(
        request,
        "events/table_plan.html",
        {"event": event, "plan": selectors.table_plan(event), "tables": range(1, event.tables + 1)},
    )

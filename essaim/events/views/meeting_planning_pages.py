"""Buyer–supplier meetings, facilitator's side: requests, scheduler run, publishing, locks, table plan."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from essaim.core.errors import DomainError
from essaim.core.french import counted, plural
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..forms import (
    MeetingForceForm,
    MeetingSetupForm,
)
from ..models import Event, Meeting

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
            "schedule_quality": schedule_quality(event.schedule_report),
        },
        status=400 if form.errors else 200,
    )


def schedule_quality(report: dict[str, Any] | None) -> int | None:
    """How close the last schedule is to the best one, in whole percent (never rounded up): its satisfied
    priorities over the most that any schedule could satisfy (the solver's upper bound)."""
    if not report or not report.get("upper_bound"):
        return None
    return math.floor(100 * report.get("satisfied_weight", 0) / report["upper_bound"])


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
        best = (
            "le meilleur possible" if report["status"] == "optimal" else "peut-être pas le meilleur possible"
        )
        messages.success(
            request,
            f"Planning calculé ({best}) : {report['meetings']} rendez-vous pour "
            f"{counted(report['requests'], 'demande acceptée', 'demandes acceptées')}, "
            f"{counted(report['idle_periods'], 'temps mort', 'temps morts')}.",
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
        messages.success(
            request,
            f"Agendas publiés : {counted(notified, 'participant')} prévenu{plural(notified)} par courriel.",
        )
    return redirect("events:meetings_manage", pk=pk)


@require_POST
def meeting_lock(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        meeting = services.meeting_lock(actor=request.user, meeting=meeting, locked=not meeting.locked)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(
            request, "Rendez-vous verrouillé." if meeting.locked else "Rendez-vous déverrouillé."
        )
    return redirect("events:meetings_manage", pk=meeting.event_id)


def table_plan(request: HttpRequest, pk: int) -> HttpResponse:
    check_perm(request, "events.manage_event")
    event = get_object_or_404(Event, pk=pk)
    return render(
        request,
        "events/table_plan.html",
        {"event": event, "plan": selectors.table_plan(event), "tables": range(1, event.tables + 1)},
    )

"""Events pages: list, detail (and its `.ics`), create, edit, programme, exhibitors and stands."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.acting import memberships_by_organisation
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..calendar import event_calendar, events_calendar
from ..forms import (
    EventCreateForm,
    EventForm,
    ExhibitorFilterForm,
    ProgrammeItemForm,
    StandForm,
    StandPitchForm,
)
from ..models import Event, ProgrammeItem, Stand
from .lookups import event_or_404

# --------------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------------


@login_not_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The events; `?format=ics`: the territory's public agenda (published upcoming events only, for anyone)."""
    if request.GET.get("format") == "ics":
        return attachment(
            events_calendar(selectors.events_upcoming()), "text/calendar; charset=utf-8", "evenements.ics"
        )
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
    event = event_or_404(pk, request)
    if request.GET.get("format") == "ics":
        return attachment(event_calendar(event), "text/calendar; charset=utf-8", f"evenement-{event.pk}.ics")
    registration = selectors.registration_of(event, request.user)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "registration": registration,
            "figures": selectors.registration_figures(event),
            "outcomes": selectors.meeting_outcome_figures(event),
            "past_outcomes": selectors.outcomes_per_year(event.kind) if event.offers_meetings else [],
            "can_manage": request.user.has_perm("events.manage_event"),
            "can_register": request.user.has_perm("events.register"),
            "registration_open": event.registration_is_open(),
            "stand_count": event.stands.count(),
            "now": timezone.now(),
        },
    )


def event_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "events.manage_event")
    form = EventCreateForm(request.POST or None)
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


# Stands
# --------------------------------------------------------------------------------------------------------


@login_not_required
def exhibitors(request: HttpRequest, pk: int) -> HttpResponse:
    event = event_or_404(pk, request)
    form = ExhibitorFilterForm(request.GET or None, sectors=selectors.exhibitor_sectors(event))
    query, sector = "", ""
    if form.is_valid():
        query, sector = form.cleaned_data["q"], form.cleaned_data["secteur"]
    stands = list(selectors.exhibitors(event, query=query, sector=sector))
    rows = [(stand, selectors.directory_profile_url(stand.structure_id)) for stand in stands]
    mine = set(memberships_by_organisation(request.user))
    editable = {s.pk for s in stands if s.organisation_id in mine}
    return render(
        request,
        "events/exhibitors.html",
        {"event": event, "form": form, "rows": rows, "filtered": bool(query or sector), "editable": editable},
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


def stand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An exhibitor (or a facilitator) edits the stand's pitch and sectors."""
    stand = get_object_or_404(Stand.objects.select_related("event", "organisation"), pk=pk)
    check_perm(request, "events.edit_stand", stand)
    initial = {"pitch": stand.pitch, "sectors": list(stand.sectors.all())}
    form = StandPitchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.stand_update(actor=request.user, stand=stand, **form.cleaned_data)
        messages.success(request, "Votre stand est à jour.")
        return redirect("events:exhibitors", pk=stand.event_id)
    return render(
        request,
        "events/stand_edit.html",
        {"stand": stand, "event": stand.event, "form": form},
        status=400 if form.errors else 200,
    )

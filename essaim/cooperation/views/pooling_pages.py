"""Pooling pages: resources (publish, edit, withdraw), their calendar and bookings, requests, my bookings."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.acting import acting_organisation
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.french import counted, plural
from essaim.core.views_utils import check_perm, form_page, report_domain_error
from essaim.territory.fields import place_query_redirect

from .. import selectors, services
from ..agreement import agreement_pdf
from ..calendar_feed import resource_ics
from ..forms import (
    BookingForm,
    DecisionForm,
    ResourceCreateForm,
    ResourceFilterForm,
    ResourceForm,
    ResourceRequestForm,
)
from ..models import Booking, Resource


def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    if target := place_query_redirect(request, form):
        return redirect(target)
    kind = commune = ""
    if form.is_valid():
        kind, commune = form.cleaned_data["kind"], form.cleaned_data["commune"]
    return render(
        request,
        "cooperation/resource_list.html",
        {
            "form": form,
            "resources": selectors.resource_search(kind=kind, commune_code=commune),
            "can_publish": request.user.has_perm("cooperation.publish_resource"),
        },
    )


def _resource_url(resource: Resource) -> str:
    return reverse("cooperation:resource_detail", args=[resource.pk])


def resource_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_resource")
    return form_page(
        request,
        ResourceCreateForm(request.POST or None),
        "cooperation/resource_form.html",
        save=lambda data: services.resource_publish(
            actor=request.user, organisation=acting_organisation(request), **data
        ),
        success=lambda resource: f"« {resource.title} » est proposée à la mutualisation.",
        next_url=_resource_url,
    )


def resource_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a published resource (its owner). A withdrawn resource is not found here."""
    resource = get_object_or_404(
        Resource.objects.select_related("owner", "perimeter", "commune"), pk=pk, is_active=True
    )
    check_perm(request, "cooperation.manage_resource", resource)
    initial = {
        "kind": resource.kind,
        "title": resource.title,
        "description": resource.description,
        "commune": resource.commune_id or "",
        "perimeter": resource.perimeter.code if resource.perimeter else "",
        "capacity": resource.capacity,
        "conditions": resource.conditions,
        "price": resource.price,
        "available_from": resource.available_from,
        "available_until": resource.available_until,
    }
    return form_page(
        request,
        ResourceForm(request.POST or None, initial=initial),
        "cooperation/resource_form.html",
        save=lambda data: services.resource_update(actor=request.user, resource=resource, **data),
        success=lambda saved: f"« {saved.title} » est mise à jour.",
        next_url=_resource_url,
        context={"resource": resource},
    )


def _month_param(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def resource_detail(request: HttpRequest, pk: int, booking_form: BookingForm | None = None) -> HttpResponse:
    """A resource, its calendar (list first, then a month grid) and the booking form; `?format=ics`."""
    resource = get_object_or_404(Resource.objects.select_related("owner", "perimeter", "commune"), pk=pk)
    if request.GET.get("format") == "ics":
        return attachment(
            resource_ics(resource), "text/calendar; charset=utf-8", f"ressource-{resource.pk}.ics"
        )
    year, month = _month_param(request.GET.get("mois"))
    first = date(year, month, 1)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    is_owner = request.user.has_perm("cooperation.manage_resource", resource)
    upcoming = selectors.resource_bookings(resource, since=timezone.now())
    return render(
        request,
        "cooperation/resource_detail.html",
        {
            "resource": resource,
            "is_owner": is_owner,
            "can_book": resource.is_active and request.user.has_perm("cooperation.request_booking", resource),
            "accepted": [b for b in upcoming if b.status == Booking.Status.ACCEPTED],
            "pending": [b for b in upcoming if b.status == Booking.Status.REQUESTED] if is_owner else [],
            "weeks": selectors.month_grid(resource, year, month),
            "month": first,
            "previous_month": previous,
            "next_month": following,
            "weekdays": ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"],
            "booking_form": booking_form or BookingForm(),
        },
        status=400 if booking_form is not None else 200,
    )


@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("owner"), pk=pk)
    check_perm(request, "cooperation.manage_resource", resource)
    services.resource_withdraw(actor=request.user, resource=resource)
    messages.success(request, f"« {resource.title} » n'est plus proposée.")
    return redirect("cooperation:my_pooling")


@require_POST
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("owner"), pk=pk)
    check_perm(request, "cooperation.request_booking", resource)
    form = BookingForm(request.POST)
    if form.is_valid():
        try:
            booking = services.booking_request(
                actor=request.user,
                resource=resource,
                organisation=acting_organisation(request),
                **form.cleaned_data,
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Votre demande de réservation est envoyée au propriétaire.")
            return redirect("cooperation:booking_detail", pk=booking.pk)
    return resource_detail(request, resource.pk, booking_form=form)


def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A booking; once accepted, `?format=pdf` downloads the agreement (convention) between both parties."""
    booking = get_object_or_404(
        Booking.objects.select_related(
            "resource", "resource__owner", "resource__commune", "requester", "requested_by"
        ),
        pk=pk,
    )
    check_perm(request, "cooperation.view_booking", booking)
    if request.GET.get("format") == "pdf":
        if booking.status != Booking.Status.ACCEPTED:
            messages.error(request, "La convention n'existe qu'une fois la réservation acceptée.")
            return redirect("cooperation:booking_detail", pk=booking.pk)
        return attachment(
            agreement_pdf(booking), "application/pdf", f"convention-reservation-{booking.pk}.pdf"
        )
    return render(
        request,
        "cooperation/booking_detail.html",
        {
            "booking": booking,
            "can_decide": request.user.has_perm("cooperation.decide_booking", booking)
            and booking.status == Booking.Status.REQUESTED,
            "can_cancel": request.user.has_perm("cooperation.cancel_booking", booking)
            and booking.status in (Booking.Status.REQUESTED, Booking.Status.ACCEPTED),
        },
    )


@require_POST
def booking_decide(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("resource", "resource__owner"), pk=pk)
    check_perm(request, "cooperation.decide_booking", booking)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Décision inconnue.")
    else:
        try:
            if form.cleaned_data["decision"] == "accepter":
                services.booking_accept(actor=request.user, booking=booking)
                messages.success(request, "Réservation acceptée : la convention est disponible.")
            else:
                services.booking_decline(actor=request.user, booking=booking)
                messages.success(request, "Réservation refusée.")
        except DomainError as error:
            report_domain_error(request, error)
    return redirect("cooperation:booking_detail", pk=booking.pk)


@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("resource", "resource__owner", "requester"), pk=pk
    )
    check_perm(request, "cooperation.cancel_booking", booking)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
        messages.success(request, "Réservation annulée.")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("cooperation:booking_detail", pk=booking.pk)


def my_pooling(request: HttpRequest) -> HttpResponse:
    organisation = acting_organisation(request)
    return render(
        request,
        "cooperation/my_pooling.html",
        {
            "organisation": organisation,
            "bookings": selectors.bookings_of_organisation(organisation),
            "requests": selectors.requests_of_organisation(organisation),
            "resources": Resource.objects.filter(owner=organisation)
            if organisation
            else Resource.objects.none(),
        },
    )


def request_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_resource")
    form = ResourceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource_request = services.resource_request_publish(
                actor=request.user, organisation=acting_organisation(request), **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            count = resource_request.matches.count()
            messages.success(
                request,
                f"Demande publiée : {counted(count, 'ressource')} correspond{plural(count, 'ent')}.",
            )
            return redirect("cooperation:my_pooling")
    return render(
        request,
        "cooperation/request_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )

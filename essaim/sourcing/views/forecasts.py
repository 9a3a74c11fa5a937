"""Purchase forecast pages: list, detail, create, import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from essaim.accounts.acting import acting_organisation
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import forecasts, selectors, services
from ..forms import (
    ForecastFilterForm,
    ForecastForm,
    ForecastImportForm,
    ForecastInterestForm,
)
from ..models import PurchaseForecast
from .common import MATCHES_SHOWN, acting_buyer, acting_supplier

# --- purchase forecasts --------------------------------------------------------------------------------------


def forecast_list(request: HttpRequest) -> HttpResponse:
    form = ForecastFilterForm(request.GET or None)
    sector = year = None
    if form.is_valid():
        sector, year = form.cleaned_data["sector"], form.cleaned_data["year"]
    return render(
        request,
        "sourcing/forecast_list.html",
        {
            "form": form,
            "forecasts": list(selectors.forecasts(sector=sector, year=year)[:300]),
            "can_create": request.user.has_perm("sourcing.create_forecast"),
        },
    )


def _forecast_page(
    request: HttpRequest, forecast: PurchaseForecast, interest_form: ForecastInterestForm | None = None
) -> HttpResponse:
    matches, advice = selectors.forecast_advice(forecast)
    organisation = acting_organisation(request)
    context = {
        "forecast": forecast,
        "matches": matches[:MATCHES_SHOWN],
        "match_summary": selectors.match_summary(matches),
        "advice": advice,
        "can_turn_into_need": request.user.has_perm("sourcing.forecast_to_need", forecast),
    }
    if context["can_turn_into_need"]:
        context["needs_made"] = list(forecast.needs.order_by("-id"))
    if request.user.has_perm("sourcing.view_forecast_interests", forecast):
        context["interests"] = selectors.forecast_interests(forecast)
    if request.user.has_perm("sourcing.mark_forecast_interest", forecast) and organisation is not None:
        my_interest = selectors.forecast_interest_of(forecast, organisation)
        context["my_interest"] = my_interest
        context["interest_form"] = interest_form or ForecastInterestForm(
            initial={"message": my_interest.message, "capacity": my_interest.capacity}
            if my_interest
            else None
        )
    status = 400 if interest_form is not None and interest_form.errors else 200
    return render(request, "sourcing/forecast_detail.html", context, status=status)


def forecast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _forecast_page(request, get_object_or_404(selectors.forecasts(), pk=pk))


@require_POST
def forecast_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier marks the forecast "intéressé" (or updates its message), or withdraws (`withdraw`)."""
    forecast = get_object_or_404(selectors.forecasts(), pk=pk)
    check_perm(request, "sourcing.mark_forecast_interest", forecast)
    organisation = acting_supplier(request)
    if "withdraw" in request.POST:
        if services.forecast_interest_withdraw(
            actor=request.user, forecast=forecast, organisation=organisation
        ):
            messages.success(request, "Votre intérêt est retiré.")
        return redirect("sourcing:forecast_detail", pk=forecast.pk)
    form = ForecastInterestForm(request.POST)
    if form.is_valid():
        try:
            services.forecast_interest_mark(
                actor=request.user,
                forecast=forecast,
                organisation=organisation,
                message=form.cleaned_data["message"],
                capacity=form.cleaned_data["capacity"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request, "Votre intérêt est transmis à l'acheteur : vous serez prévenus en premier du besoin."
            )
            return redirect("sourcing:forecast_detail", pk=forecast.pk)
    return _forecast_page(request, forecast, form)


@require_POST
def forecast_to_need(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer turns its forecast into a draft need in one step, then completes and publishes it."""
    forecast = get_object_or_404(selectors.forecasts(), pk=pk)
    check_perm(request, "sourcing.forecast_to_need", forecast)
    acting_buyer(request)
    need = services.need_from_forecast(actor=request.user, forecast=forecast)
    messages.success(
        request,
        "Besoin créé à partir de la prévision : complétez la description et la date limite, puis publiez-le. "
        "Les structures intéressées seront prévenues en premier.",
    )
    return redirect("sourcing:need_update", pk=need.pk)


def forecast_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_forecast")
    buyer = acting_buyer(request)
    form = ForecastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            forecasts.forecast_create(
                actor=request.user,
                buyer=buyer,
                data=form.forecast_data(),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Prévision d'achat publiée.")
            return redirect("sourcing:forecast_list")
    return render(request, "sourcing/forecast_form.html", {"form": form})


def forecast_import(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_forecast")
    buyer = acting_buyer(request)
    form = ForecastImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            report = forecasts.forecast_import(
                actor=request.user,
                buyer=buyer,
                filename=uploaded.name or "plan.csv",
                stream=uploaded,
                commit=form.cleaned_data["commit"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
    return render(
        request,
        "sourcing/forecast_import.html",
        {"form": form, "report": report, "list_url": reverse("sourcing:forecast_list")},
    )

"""Purchase forecast pages: list, detail, create, import."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import forecasts, selectors
from ..forms import (
    ForecastFilterForm,
    ForecastForm,
    ForecastImportForm,
)
from .common import MATCHES_SHOWN, acting_buyer

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


def forecast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forecast = get_object_or_404(selectors.forecasts(), pk=pk)
    matches, advice = selectors.forecast_advice(forecast)
    return render(
        request,
        "sourcing/forecast_detail.html",
        {
            "forecast": forecast,
            "matches": matches[:MATCHES_SHOWN],
            "match_summary": selectors.match_summary(matches),
            "advice": advice,
        },
    )


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

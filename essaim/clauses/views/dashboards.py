"""Dashboards of a year: per buyer, per holder, a facilitator's portfolio, the territory; each downloads as
CSV or XLSX (`?format=`), and the yearly consolidated export in its documented layout."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from essaim.accounts.models import Organisation, User
from essaim.core.views_utils import check_perm

from .. import exports
from ..charts import months_chart_svg
from ..figures import year_figures
from ..forms import YearForm
from ..models import Contract
from .common import year_choices


def _dashboard(
    request: HttpRequest,
    contracts: QuerySet[Contract],
    *,
    title: str,
    basename: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    form = YearForm(request.GET or None, years=year_choices(), initial={"annee": timezone.localdate().year})
    year = form.year(timezone.localdate().year)
    figures = year_figures(contracts, year)
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.download(
            exports.dashboard_tables(figures), request.GET["format"], f"{basename}-{year}"
        )
    return render(
        request,
        "clauses/dashboard.html",
        {
            "title": title,
            "year": year,
            "form": form,
            "figures": figures,
            "chart": months_chart_svg(figures.hours_by_month, title=f"Heures déclarées par mois en {year}"),
            **(extra or {}),
        },
    )


def dashboard_buyer(request: HttpRequest, pk: int) -> HttpResponseBase:
    buyer = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.BUYER)
    check_perm(request, "clauses.view_buyer_figures", buyer)
    return _dashboard(
        request,
        Contract.objects.filter(buyer=buyer),
        title=f"Clauses sociales de {buyer.name}",
        basename=f"clauses-acheteur-{buyer.pk}",
        extra={"scope": "acheteur", "organisation": buyer},
    )


def dashboard_holder(request: HttpRequest, pk: int) -> HttpResponseBase:
    holder = get_object_or_404(Organisation, pk=pk)
    check_perm(request, "clauses.view_holder_figures", holder)
    return _dashboard(
        request,
        Contract.objects.filter(holder=holder),
        title=f"Clauses sociales portées par {holder.name}",
        basename=f"clauses-titulaire-{holder.pk}",
        extra={"scope": "titulaire", "organisation": holder},
    )


def dashboard_portfolio(request: HttpRequest) -> HttpResponseBase:
    """The contracts a facilitator follows (their own by default, another's with `?suivi=<id>`)."""
    check_perm(request, "clauses.view_territory_figures")
    chosen: Any = request.user
    wanted = request.GET.get("suivi", "")
    if wanted.isdigit():
        chosen = get_object_or_404(User, pk=wanted)
    followers = User.objects.filter(
        pk__in=Contract.objects.exclude(facilitator=None).values("facilitator")
    ).order_by("full_name", "email")
    return _dashboard(
        request,
        Contract.objects.filter(facilitator=chosen),
        title=f"Portefeuille de {chosen.get_full_name()}",
        basename=f"clauses-portefeuille-{chosen.pk}",
        extra={"scope": "portefeuille", "followers": followers, "chosen": chosen},
    )


def dashboard_territory(request: HttpRequest) -> HttpResponseBase:
    check_perm(request, "clauses.view_territory_figures")
    return _dashboard(
        request,
        Contract.objects.all(),
        title="Clauses sociales du territoire",
        basename="clauses-territoire",
        extra={"scope": "territoire"},
    )


def yearly_export(request: HttpRequest) -> HttpResponseBase:
    """The consolidated export of a year (one row per contract, one per participant and contract)."""
    check_perm(request, "clauses.view_territory_figures")
    today = timezone.localdate()
    default = today.year - 1 if today.month < 4 else today.year  # until April, last year's export is due
    form = YearForm(request.GET or None, years=year_choices(), initial={"annee": default})
    year = form.year(default)
    table = request.GET.get("tableau")
    if request.GET.get("format") in ("csv", "xlsx") and table in ("marches", "participations"):
        chosen = exports.yearly_contracts(year) if table == "marches" else exports.yearly_participations(year)
        return exports.download(chosen, request.GET["format"], f"clauses-{table}-{year}")
    return render(
        request,
        "clauses/yearly_export.html",
        {
            "form": form,
            "year": year,
            "contract_columns": exports.CONTRACT_COLUMNS,
            "participation_columns": exports.PARTICIPATION_COLUMNS,
        },
    )

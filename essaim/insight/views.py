"""Pages of the insight capability: choose a buyer, read its SPASER report, download it, and (for
facilitators) the records the import rejected. Thin: rule, form, selector, render.

Files (PDF, CSV, XLSX) are served by the report page with `?format=…`, so that every named URL is an
HTML page (the URL matrix and the accessibility scan open them all). Pages never write.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from essaim.core.downloads import attachment
from essaim.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from essaim.core.links import absolute_url
from essaim.core.views_utils import check_perm

from . import exports, selectors
from .charts import all_charts
from .forms import ReportChoiceForm, normalise_buyer
from .indicators import InsightError

FILE_TYPES = {
    "pdf": "application/pdf",
    "csv": CSV_CONTENT_TYPE,
    "xlsx": XLSX_CONTENT_TYPE,
}


def home(request: HttpRequest) -> HttpResponse:
    check_perm(request, "insight.view_report")
    years: list[int] = []
    summary = None
    try:
        with selectors.open_store() as con:
            years = selectors.available_years(con)
            summary = selectors.store_summary(con)
    except selectors.StoreUnavailable:
        pass
    buyers = selectors.territory_buyers()
    form = ReportChoiceForm(
        request.GET if "annee" in request.GET else None, buyers=buyers, years=[y for y in years if y >= 2024]
    )
    if form.is_bound and form.is_valid():
        return redirect("insight:report", buyer=form.cleaned_data["buyer"], year=form.cleaned_data["annee"])
    default_year = form.fields["annee"].initial
    context = {
        "form": form,
        "buyers": buyers,
        "summary": summary if summary and summary["contracts"] else None,
        "default_year": default_year,
        "can_see_rejected": request.user.has_perm("insight.view_rejected"),
    }
    return render(request, "insight/home.html", context)


def report(request: HttpRequest, buyer: str, year: int) -> HttpResponse:
    check_perm(request, "insight.view_report")
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    context: dict[str, Any] = {"buyer": buyer, "year": year, "report": None, "error": None}
    try:
        value = normalise_buyer(buyer)
        context["label"] = selectors.buyer_label(value)
        with selectors.open_store() as con:
            result = selectors.report_for(con, buyer=value, year=year)
    except selectors.StoreUnavailable as error:
        context["error"] = error.message
        return render(request, "insight/report.html", context)
    except InsightError as error:
        context["error"] = error.message
        return render(request, "insight/report.html", context, status=404)
    wanted = request.GET.get("format", "")
    if wanted in FILE_TYPES:
        return _download(request, result, wanted)
    context.update(
        {
            "report": result,
            "charts": all_charts(result),
            "label": result.label,
            "can_see_rejected": request.user.has_perm("insight.view_rejected"),
            "need_create_url": _need_create_url(request),
        }
    )
    return render(request, "insight/report.html", context)


def _need_create_url(request: HttpRequest) -> str:
    """Where a buyer publishes a need (the sourcing capability advises on the reservation there)."""
    if not request.user.has_perm("sourcing.create_need"):
        return ""
    try:
        return reverse("sourcing:need_create")
    except NoReverseMatch:
        return ""


def _download(request: HttpRequest, result: Any, wanted: str) -> HttpResponse:
    if wanted == "csv":
        content = exports.report_csv(result)
    elif wanted == "xlsx":
        content = exports.report_xlsx(result)
    else:
        content = exports.report_pdf(
            result, all_charts(result), base_url=absolute_url(reverse("insight:home"))
        )
    return attachment(content, FILE_TYPES[wanted], exports.filename(result, wanted))


def rejected(request: HttpRequest) -> HttpResponse:
    check_perm(request, "insight.view_rejected")
    context: dict[str, Any] = {"error": None, "page": None}
    try:
        # Clamped: a huge page number would overflow DuckDB's OFFSET (a server error).
        page_number = min(max(1, int(request.GET.get("page", "1"))), 1_000_000)
    except ValueError:
        page_number = 1
    per_page = 50
    try:
        with selectors.open_store() as con:
            records, total, by_reason = selectors.rejected_records(
                con, limit=per_page, offset=(page_number - 1) * per_page
            )
    except selectors.StoreUnavailable as error:
        context["error"] = error.message
        return render(request, "insight/rejected.html", context)
    paginator = Paginator(range(total), per_page)
    context.update(
        {
            "records": records,
            "total": total,
            "by_reason": by_reason,
            "page": paginator.get_page(page_number),
        }
    )
    return render(request, "insight/rejected.html", context)

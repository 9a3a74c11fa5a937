"""Pages of the insight capability: choose a buyer, read its SPASER report, download it, and (for
facilitators) the records the import rejected. Thin: rule, form, selector, render.

Files (PDF, CSV, XLSX) are served by the report page with `?format=…`, so that every named URL is an
HTML page (the URL matrix and the accessibility scan open them all). Pages never write.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from essaim.accounts.acting import acting_organisation, memberships_by_organisation
from essaim.accounts.models import Organisation
from essaim.accounts.perms import is_facilitator
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from essaim.core.french import counted, plural
from essaim.core.links import absolute_url
from essaim.core.views_utils import check_perm, report_domain_error
from essaim.insight.errors import InsightError
from essaim.sourcing import collaborations
from essaim.sourcing.forms import ForecastForm

from . import exports, forms, renewals, selectors, services
from .charts import all_charts
from .forms import ReportChoiceForm, normalise_buyer

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


# --- the renewal radar ------------------------------------------------------------------------------------


def _default_buyer(request: HttpRequest, buyers: list[selectors.BuyerChoice]) -> str:
    """A buyer sees its own contracts first (its SIREN); everyone else the territory (its first choice)."""
    organisation = acting_organisation(request)
    if organisation is not None and organisation.kind == Organisation.Kind.BUYER:
        siren = organisation.siren or organisation.siret[:9]
        if siren:
            return siren
    return buyers[0].value if buyers else ""


def renewals_page(request: HttpRequest) -> HttpResponse:
    check_perm(request, "insight.view_renewals")
    buyers = selectors.territory_buyers()
    today = timezone.localdate()
    buyer = _default_buyer(request, buyers)
    start, months, filters = today, renewals.DEFAULT_MONTHS, selectors.RenewalFilters()
    form = forms.RenewalFilterForm(request.GET or None, buyers=buyers)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        buyer = data["identifiant"] or data["acheteur"] or buyer
        start, months = data["debut"] or today, data["mois"] or renewals.DEFAULT_MONTHS
        filters = selectors.RenewalFilters(
            sector=data["secteur"],
            amount_band=data["montant"],
            purchase_type=data["type"],
            reservable=data["reservable"],
        )
    elif not form.is_bound:
        form = forms.RenewalFilterForm(
            initial={"acheteur": buyer, "debut": today, "mois": months}, buyers=buyers
        )
    context: dict[str, Any] = {"form": form, "error": None, "lines": [], "buyer": buyer, "start": start}
    context["window_end"] = renewals.window(start, months)[1]
    if buyer and not form.errors:
        try:
            context["label"] = selectors.buyer_label(buyer)
            with selectors.open_store() as con:
                every = selectors.renewals_for(con, buyer=buyer, start=start, months=months)
                context["undated"] = renewals.undated_count(
                    con, buyer=buyer, buyer_sirets_resolver=selectors.epci_member_sirens
                )
        except InsightError as error:  # the store is missing or busy, or an unknown EPCI
            context["error"] = error.message
        else:
            lines = selectors.filter_renewals(every, filters)
            wanted = request.GET.get("format", "")
            if wanted in ("csv", "xlsx"):
                return exports.renewals_download(lines, buyer=buyer, start=start, extension=wanted)
            rows = [
                (line, request.user.has_perm("insight.forecast_from_renewal", line.contract))
                for line in lines
            ]
            context.update(
                {
                    "total": len(every),
                    "lines": rows,
                    "any_forecast": any(can for _, can in rows),
                    "territory": settings.ESSAIM_BRAND.get("territory_perimeter", ""),
                    "query": request.GET.urlencode(),
                }
            )
    return render(request, "insight/renewals.html", context)


def renewal_forecast(request: HttpRequest) -> HttpResponse:
    """A purchase forecast pre-filled from one contract of the radar (`?acheteur=SIRET&marche=ID`)."""
    check_perm(request, "insight.view_renewals")
    buyer_siret = request.GET.get("acheteur", "")[:14]
    contract_id = request.GET.get("marche", "")[:100]
    try:
        with selectors.open_store() as con:
            line = selectors.renewal_line(con, buyer_siret=buyer_siret, contract_id=contract_id)
    except selectors.StoreUnavailable as error:
        return render(request, "insight/renewal_forecast.html", {"error": error.message})
    if line is None:
        raise Http404("insight: no such contract with an end date")
    check_perm(request, "insight.forecast_from_renewal", line.contract)
    form = ForecastForm(request.POST or None, initial=selectors.forecast_initial(line))
    if request.method == "POST" and form.is_valid():
        try:
            forecast = services.forecast_from_renewal(
                actor=request.user,
                acting=acting_organisation(request),
                line=line,
                data=form.forecast_data(),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request,
                "Prévision d'achat publiée : les structures qui suivent ce secteur la recevront dans leur "
                "prochaine lettre hebdomadaire.",
            )
            return redirect("sourcing:forecast_detail", pk=forecast.pk)
    return render(request, "insight/renewal_forecast.html", {"form": form, "line": line, "error": None})


# --- buyers' own spending -----------------------------------------------------------------------------------


def spend_page(request: HttpRequest) -> HttpResponse:
    """A buyer's spend shares (its own; a facilitator chooses the buyer): supplier amounts stay here."""
    check_perm(request, "insight.view_spend")
    facilitator = is_facilitator(request.user)
    buyer: Organisation | None = None
    if facilitator:
        buyers = selectors.buyers_with_spend()
        wanted = request.GET.get("acheteur", "")
        buyer = next((b for b in buyers if str(b.pk) == wanted), None)
        if wanted and buyer is None:
            buyer = get_object_or_404(Organisation, pk=int(wanted) if wanted.isdigit() else 0)
    else:
        buyer = acting_organisation(request)
    if buyer is not None:
        check_perm(request, "insight.view_spend", buyer)
    years = selectors.spend_years(buyer) if buyer is not None else []
    form = forms.SpendChoiceForm(
        request.GET or None,
        buyers=[(b.pk, b.name) for b in selectors.buyers_with_spend()] if facilitator else None,
        years=years,
    )
    year = form.cleaned_data.get("annee") if form.is_valid() else None
    year = year or (years[0] if years else None)
    if not form.is_bound:
        form = forms.SpendChoiceForm(
            initial={"acheteur": buyer.pk if buyer else "", "annee": year},
            buyers=[(b.pk, b.name) for b in selectors.buyers_with_spend()] if facilitator else None,
            years=years,
        )
    record = selectors.spend_import_of(buyer, year) if buyer is not None and year else None
    return render(
        request,
        "insight/spend.html",
        {
            "form": form,
            "buyer": buyer,
            "shares": selectors.spend_shares(record) if record is not None else None,
            "can_import": request.user.has_perm("insight.import_spend", buyer),
            "facilitator": facilitator,
        },
    )


def spend_upload(request: HttpRequest) -> HttpResponse:
    check_perm(request, "insight.import_spend")
    facilitator = is_facilitator(request.user)
    form = forms.SpendUploadForm(request.POST or None, request.FILES or None, for_facilitator=facilitator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if facilitator:
                buyer = services.spend_buyer(actor=request.user, siret=data["siret"])
            else:
                buyer = acting_organisation(request)
                check_perm(request, "insight.import_spend", buyer)
            assert buyer is not None  # noqa: S101 - the rule above refuses a person without a buyer
            uploaded = data["file"]
            record = services.spend_import(
                actor=request.user,
                buyer=buyer,
                year=data["year"],
                ttc=data["ttc"],
                filename=uploaded.name or "depenses.csv",
                raw=uploaded.read(),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            counts = services.spend_counts(record)
            rows, suppliers, matched, rejected = (
                counts[k] for k in ("rows", "suppliers", "matched", "rejected")
            )
            messages.success(
                request,
                f"Dépenses {record.year} importées : {counted(rows, 'ligne lue', 'lignes lues')}, "
                f"{counted(suppliers, 'fournisseur')} dont {matched} trouvé{plural(matched)} dans l'annuaire, "
                f"{counted(rejected, 'ligne rejetée', 'lignes rejetées')}.",
            )
            url = reverse("insight:spend") + f"?annee={record.year}"
            return redirect(url + (f"&acheteur={buyer.pk}" if facilitator else ""))
    return render(request, "insight/spend_upload.html", {"form": form, "facilitator": facilitator})


# --- collaborations followed to the contract ------------------------------------------------------------------


def collaborations_page(request: HttpRequest) -> HttpResponse:
    """The collaborations of the person's organisations (a facilitator: all), each with the public contract
    that followed, confirmed or proposed."""
    check_perm(request, "insight.view_collaborations")
    ids = None if is_facilitator(request.user) else list(memberships_by_organisation(request.user))
    records = list(collaborations.collaborations_to_follow(organisation_ids=ids)[:300])
    proposals: dict[int, list[Any]] = {}
    error = None
    try:
        with selectors.open_store() as con:
            proposals = selectors.proposed_contracts(con, collaborations.contract_queries(records))
    except selectors.StoreUnavailable as unavailable:
        error = unavailable.message
    return render(
        request,
        "insight/collaborations.html",
        {"rows": [(record, proposals.get(record.pk, [])) for record in records], "error": error},
    )


def collaboration_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One collaboration: the contracts proposed (same buyer, the structure among the holders, notified
    within 18 months), the buyer's other contracts of the period, and the confirmation."""
    record = get_object_or_404(collaborations.collaborations_to_follow(), pk=pk)
    check_perm(request, "insight.view_collaboration", record)
    can_link = request.user.has_perm("insight.link_contract", record)
    after, until = collaborations.contract_window(record)
    buyer_siren = collaborations.siren_of(record.buyer)
    context: dict[str, Any] = {
        "record": record,
        "after": after,
        "until": until,
        "can_link": can_link,
        "buyer_siren": buyer_siren,
        "proposals": [],
        "choices": [],
        "error": None,
    }
    try:
        with selectors.open_store() as con:
            if request.method == "POST":
                check_perm(request, "insight.link_contract", record)
                return _link_contract(request, con, record)
            proposed = selectors.proposed_contracts(con, collaborations.contract_queries([record])).get(
                pk, []
            )
            others = (
                selectors.buyer_contracts(con, buyer_siren=buyer_siren, after=after, until=until)
                if can_link and buyer_siren and not record.contract_id
                else []
            )
    except selectors.StoreUnavailable as unavailable:
        context["error"] = unavailable.message
    else:
        keys = {c.key for c in proposed}
        context["proposals"] = proposed
        context["choices"] = [c for c in others if c.key not in keys]
    return render(request, "insight/collaboration.html", context)


def _link_contract(request: HttpRequest, con: Any, record: Any) -> HttpResponse:
    try:
        if request.POST.get("action") == "unlink":
            collaborations.collaboration_contract_unlink(actor=request.user, collaboration=record)
            messages.success(request, "Le marché n'est plus rattaché à cette collaboration.")
        else:
            buyer_siret, _, contract_id = request.POST.get("marche", "").partition("|")
            contract = selectors.contract_by_key(
                con, buyer_siret=buyer_siret[:14], contract_id=contract_id[:100]
            )
            if contract is None:
                raise DomainError("Choisissez un marché de la liste.", field="marche")
            collaborations.collaboration_contract_link(
                actor=request.user,
                collaboration=record,
                buyer_siret=contract.buyer_siret,
                contract_id=contract.id,
                notified_on=contract.notified_on,
                amount=contract.amount,
                object=contract.object,
            )
            messages.success(
                request,
                f"Marché « {contract.object or contract.id} » rattaché : son montant devient celui de la collaboration.",
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("insight:collaboration", pk=record.pk)

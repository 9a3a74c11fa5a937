"""Pages of the directory: search (public), profile (public), edit, claim, moderation, export."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.forms import BaseFormSet, Form
from django.forms.utils import ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from essaim.core.links import absolute_url
from essaim.core.views_utils import check_perm, report_domain_error
from essaim.territory.fields import place_query_redirect

from . import dashboard, exports, references, services
from .forms import (
    ActivityFormSet,
    MediaForm,
    ReportForm,
    SearchForm,
    StatusForm,
    StructureForm,
    activity_initial,
)
from .models import ClaimRequest, Structure
from .selectors import SORTS, search_structures, structure_profile


def _query_without(request: HttpRequest, *keys: str) -> str:
    params = [(k, v) for k, values in request.GET.lists() for v in values if k not in keys and v]
    return urlencode(params)


@login_not_required
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    partial = getattr(request, "htmx", False)  # the results region only
    canonical = place_query_redirect(request, form)  # places typed by name: the address gets their codes
    if canonical and not partial:
        return redirect(canonical)
    query, filters, sort, page = form.search_args()
    result = search_structures(query, filters, sort, page)
    context = {
        "form": form,
        "query": query,
        "filters": filters,
        "sort": sort,
        "sorts": SORTS,
        "result": result,
        "start": (result.page - 1) * result.page_size + 1,
        "facet_groups": [
            ("sector", "Secteur", result.facets["sectors"]),
            ("family", "Famille de l'ESS", result.facets["families"]),
            ("kind", "Structure inclusive", result.facets["kinds"]),
            ("reservation", "Marchés réservés", result.facets["reservations"]),
        ],
        "page_query": _query_without(request, "page"),
        "export_query": _query_without(request, "page"),
        "can_export": request.user.has_perm("directory.export_results"),
    }
    template = "directory/includes/results.html" if partial else "directory/search.html"
    response = render(request, template, context)
    if canonical:
        response["HX-Push-Url"] = canonical
    return response


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    check_perm(request, "directory.export_results")
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    query, filters, sort, _page = SearchForm(request.GET or None).search_args()
    result = search_structures(query, filters, sort, 1, page_size=exports.EXPORT_LIMIT, with_facets=False)

    def url_for(structure: Structure) -> str:
        return absolute_url(reverse("directory:profile", args=[structure.pk]))

    filename = f"annuaire-ess.{fmt}"
    if fmt == "csv":
        return attachment(exports.to_csv(result.hits, url_for), CSV_CONTENT_TYPE, filename)
    return attachment(exports.to_xlsx(result.hits, url_for), XLSX_CONTENT_TYPE, filename)


@login_not_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        structure = structure_profile(pk)
    except Structure.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("directory.view_profile", structure):
        raise Http404
    is_member = request.user.has_perm("directory.view_dashboard", structure)
    return render(
        request,
        "directory/profile.html",
        {
            "structure": structure,
            "can_see_contacts": request.user.has_perm("directory.view_contacts", structure),
            "can_edit": request.user.has_perm("directory.edit_profile", structure),
            "can_moderate": request.user.has_perm("directory.moderate", structure),
            "can_claim": request.user.has_perm("directory.claim_profile", structure)
            and bool(structure.siret),
            "can_report": request.user.has_perm("directory.report_profile", structure),
            "status_form": StatusForm(initial={"status": structure.status}),
            "service_types": references.SERVICE_TYPES,
            "is_member": is_member,
            "dashboard_panels": dashboard.panels(structure, request) if is_member else [],
        },
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.select_related("commune"), pk=pk)
    check_perm(request, "directory.edit_profile", structure)
    post = request.method == "POST"
    form = StructureForm(request.POST if post else None, initial=StructureForm.initial_for(structure))
    media_form = MediaForm(
        request.POST if post else None, request.FILES if post else None, structure=structure
    )
    # Activities are edited only when their formset was posted (older clients post the identity only).
    with_activities = post and "activities-TOTAL_FORMS" in request.POST
    activities = ActivityFormSet(
        request.POST if with_activities else None, initial=activity_initial(structure), prefix="activities"
    )
    if post and form.is_valid() and media_form.is_valid() and (not with_activities or activities.is_valid()):
        try:
            services.structure_edit(
                actor=request.user,  # type: ignore[arg-type]
                structure=structure,
                data=form.cleaned_data,
                activities=activity_inputs(activities) if with_activities else None,
                images=media_inputs(media_form),
            )
        except DomainError as error:
            report_edit_error(request, error, form, media_form, activities)
        else:
            messages.success(request, "La fiche a été mise à jour.")
            return redirect("directory:profile", pk=pk)
    context = {"structure": structure, "form": form, "media_form": media_form, "activities": activities}
    return render(request, "directory/edit.html", context, status=400 if post else 200)


@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure, pk=pk)
    check_perm(request, "directory.moderate", structure)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.structure_set_status(
                actor=request.user, structure=structure, status=form.cleaned_data["status"]
            )  # type: ignore[arg-type]
        except DomainError as error:
            report_domain_error(request, error)
        else:
            messages.success(request, f"État de la fiche : {structure.get_status_display()}.")
    return redirect("directory:profile", pk=pk)


def claim(request: HttpRequest) -> HttpResponse:
    """The old address of the claim form. Claiming a structure has one way, the sign-up's "find your
    structure" page (onboarding), where this address leads with the SIRET it was given."""
    url = reverse("onboarding:structure_find")
    siret = request.GET.get("siret", "").strip()[:20]
    return redirect(f"{url}?{urlencode({'q': siret})}" if siret else url)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Signaler ce profil": a logged-in person tells the facilitators what is wrong with a profile."""
    structure = get_object_or_404(Structure.objects.published(), pk=pk)
    check_perm(request, "directory.report_profile", structure)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_report(
                user=request.user,  # type: ignore[arg-type]
                structure=structure,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Merci : votre signalement est transmis à l'équipe du territoire.")
            return redirect("directory:profile", pk=structure.pk)
    return render(
        request,
        "directory/report.html",
        {"structure": structure, "form": form},
        status=400 if form.errors else 200,
    )


def claims(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure, pk=pk)
    check_perm(request, "directory.decide_claim", structure)
    pending = structure.claims.filter(status=ClaimRequest.Status.PENDING).select_related("user")
    return render(request, "directory/claims.html", {"structure": structure, "claims": pending})


@require_POST
def claim_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    claim_request = get_object_or_404(ClaimRequest.objects.select_related("structure", "user"), pk=pk)
    check_perm(request, "directory.decide_claim", claim_request)
    try:
        if decision == "accepter":
            services.claim_approve(actor=request.user, claim=claim_request)  # type: ignore[arg-type]
            messages.success(request, f"{claim_request.user} gère désormais la fiche.")
        elif decision == "refuser":
            services.claim_reject(actor=request.user, claim=claim_request)  # type: ignore[arg-type]
            messages.success(request, "La demande a été refusée.")
        else:
            raise Http404
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("directory:claims", pk=claim_request.structure_id)


def claim_message(claim_request: ClaimRequest) -> str:
    """What the claimant is told: approved at once (their email is the structure's domain), or waiting."""
    name = claim_request.structure.name
    if claim_request.status == ClaimRequest.Status.APPROVED:
        return f"Votre adresse électronique correspond au site de « {name} » : vous gérez désormais sa fiche."
    return (
        f"Votre demande pour gérer « {name} » a été envoyée. L'équipe du territoire l'examinera et vous "
        "répondra par courriel."
    )


# --- Helpers of the edit view: form data to service inputs, domain errors back to the right field ---------


def activity_inputs(formset: BaseFormSet[Any]) -> list[services.ActivityInput]:
    inputs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("sector") or data.get("DELETE"):
            continue
        perimeters = tuple(data.get("perimeters") or ()) + (("national",) if data.get("is_national") else ())
        inputs.append(
            services.ActivityInput(
                sector=data["sector"],
                service_types=tuple(data.get("service_types") or ()),
                perimeters=perimeters,
                description=data.get("description") or "",
            )
        )
    return inputs


def media_inputs(form: Form) -> services.MediaInput:
    data = form.cleaned_data
    return services.MediaInput(
        logo=data.get("logo") or None,
        remove_logo=bool(data.get("remove_logo")),
        photo=data.get("photo") or None,
        photo_caption=data.get("photo_caption") or "",
        remove_photo_ids=[int(pk) for pk in data.get("remove_photos") or ()],
    )


def report_edit_error(
    request: HttpRequest, error: DomainError, form: Form, media_form: Form, activities: BaseFormSet[Any]
) -> None:
    if error.field == "activities":
        activities._non_form_errors = ErrorList([error.message])  # noqa: SLF001 - shown above the formset
    elif error.field and error.field in media_form.fields:
        media_form.add_error(error.field, error.message)
    else:
        report_domain_error(request, error, form)

"""After sign-up: the person finds their structure in the directory and claims it (or proposes it), or
finds their buyer or partner organisation and asks to join it (or proposes it). Organisation
administrators decide on the requests to join their organisation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from essaim.accounts.models import Organisation
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error
from essaim.directory import services as directory_services
from essaim.directory.models import Structure
from essaim.directory.views import claim_message

from .. import services
from ..forms import FindForm, MessageForm, OrganisationProposeForm, StructureProposeForm
from ..models import JoinRequest
from ..selectors import join_requests_of, organisations_matching, requests_of, structures_matching


def welcome(request: HttpRequest) -> HttpResponse:
    joins, claims = requests_of(request.user)  # type: ignore[arg-type]
    return render(request, "onboarding/welcome.html", {"joins": joins, "claims": claims})


def structure_find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return render(
        request,
        "onboarding/structure_find.html",
        {
            "form": form,
            "query": query,
            "structures": structures_matching(query) if query else [],
            "message_form": MessageForm(),
        },
    )


@require_POST
def structure_claim(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.exclude(status=Structure.Status.DELISTED), pk=pk)
    form = MessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        claim = directory_services.claim_request(
            user=request.user,  # type: ignore[arg-type]
            structure=structure,
            message=message,
        )
    except DomainError as error:
        report_domain_error(request, error)
        return redirect("onboarding:structure_find")
    messages.success(request, claim_message(claim))
    return redirect("onboarding:welcome")


def structure_propose(request: HttpRequest) -> HttpResponse:
    form = StructureProposeForm(request.POST or None, initial={"name": request.GET.get("nom", "")[:200]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directory_services.structure_propose(
                user=request.user,  # type: ignore[arg-type]
                data={k: data[k] for k in ("name", "siret", "website", "description")},
                message=data["message"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request,
                f"Merci : « {data['name']} » a été proposée. L'équipe du territoire la vérifiera et vous "
                "répondra par courriel.",
            )
            return redirect("onboarding:welcome")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/structure_propose.html", {"form": form}, status=status)


def organisation_find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    return render(
        request,
        "onboarding/organisation_find.html",
        {
            "form": form,
            "query": query,
            "organisations": organisations_matching(query) if query else [],
            "message_form": MessageForm(),
        },
    )


@require_POST
def organisation_join(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk, is_active=True, kind__in=services.JOINABLE_KINDS)
    form = MessageForm(request.POST)
    try:
        join = services.join_request_create(
            user=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            message=form.cleaned_data["message"] if form.is_valid() else "",
        )
    except DomainError as error:
        report_domain_error(request, error)
        return redirect("onboarding:organisation_find")
    who = "ses administrateurs" if services.has_admin(organisation) else "l'équipe du territoire"
    messages.success(
        request, f"Votre demande pour rejoindre « {join.organisation_name} » est envoyée à {who}."
    )
    return redirect("onboarding:welcome")


def organisation_propose(request: HttpRequest) -> HttpResponse:
    form = OrganisationProposeForm(request.POST or None, initial={"name": request.GET.get("nom", "")[:200]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_propose(
                user=request.user,  # type: ignore[arg-type]
                data={k: data[k] for k in ("kind", "name", "siret", "buyer_category", "website")},
                message=data["message"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request,
                f"Merci : « {data['name']} » a été proposée. L'équipe du territoire la vérifiera et vous "
                "répondra par courriel.",
            )
            return redirect("onboarding:welcome")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/organisation_propose.html", {"form": form}, status=status)


def join_requests(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    check_perm(request, "onboarding.view_join_requests", organisation)
    return render(
        request,
        "onboarding/join_requests.html",
        {"organisation": organisation, "requests": join_requests_of(organisation), "form": MessageForm()},
    )


@require_POST
def join_request_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    join = get_object_or_404(JoinRequest.objects.select_related("organisation", "user"), pk=pk)
    check_perm(request, "onboarding.decide_join_request", join)
    try:
        if decision == "accepter":
            services.join_request_approve(actor=request.user, request=join)  # type: ignore[arg-type]
            messages.success(request, f"{join.user} a rejoint « {join.organisation_name} ».")
        elif decision == "refuser":
            reason = request.POST.get("reason", "")[:1000]
            services.join_request_reject(actor=request.user, request=join, reason=reason)  # type: ignore[arg-type]
            messages.success(request, f"La demande de {join.user} est refusée.")
        else:
            raise Http404
    except DomainError as error:
        report_domain_error(request, error)
    if join.organisation_id is None:
        return redirect("core:review_list", slug="adhesions")
    return redirect("onboarding:join_requests", pk=join.organisation_id)

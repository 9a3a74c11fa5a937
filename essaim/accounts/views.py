"""Pages about people and organisations: login, invitations, my organisations, members, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from . import services
from .acting import SESSION_KEY, acting_memberships_of
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, RoleForm
from .models import ApiToken, Invitation, Membership, Organisation
from .selectors import organisation_with_members


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/organisation_list.html", {"memberships": acting_memberships_of(request.user)}
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    check_perm(request, "accounts.view_organisation", organisation)
    organisation = organisation_with_members(pk)
    can_manage = request.user.has_perm("accounts.manage_members", organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "can_manage": can_manage,
            "can_manage_tokens": request.user.has_perm("accounts.manage_api_tokens", organisation),
            "invitation_form": InvitationForm(),
            "role_choices": Membership.Role.choices,
        },
    )


@require_POST
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    check_perm(request, "accounts.manage_members", organisation)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
            return redirect("accounts:organisation_detail", pk=pk)
    organisation = organisation_with_members(pk)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "can_manage": True,
            "invitation_form": form,
            "role_choices": Membership.Role.choices,
        },
        status=400,
    )


@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    check_perm(request, "accounts.manage_members", membership.organisation)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rôle inconnu.")
    else:
        try:
            services.membership_set_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )  # type: ignore[arg-type]
            messages.success(request, f"Rôle de {membership.user} mis à jour.")
        except DomainError as error:
            report_domain_error(request, error)
    return redirect("accounts:organisation_detail", pk=membership.organisation_id)


@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    check_perm(request, "accounts.manage_members", membership.organisation)
    try:
        services.membership_remove(actor=request.user, membership=membership)  # type: ignore[arg-type]
        messages.success(request, f"{membership.user} a été retiré de l'organisation.")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("accounts:organisation_detail", pk=membership.organisation_id)


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
    check_perm(request, "accounts.manage_members", invitation.organisation)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)  # type: ignore[arg-type]
        messages.success(request, f"Invitation de {invitation.email} annulée.")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("accounts:organisation_detail", pk=invitation.organisation_id)


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404("Invitation inconnue")
    user = request.user if request.user.is_authenticated else None
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                raw_token=token,
                user=user,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = membership.organisation_id
            messages.success(request, f"Bienvenue dans {membership.organisation} !")
            return redirect("accounts:organisation_detail", pk=membership.organisation_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}, status=status
    )


@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = 0
    chosen = next(
        (m for m in acting_memberships_of(request.user) if m.organisation_id == organisation_id), None
    )
    if chosen is None:
        messages.error(request, "Vous n'êtes pas membre de cette organisation.")
    else:
        request.session[SESSION_KEY] = chosen.organisation_id
        messages.success(request, f"Vous agissez désormais pour {chosen.organisation}.")
    next_url = request.POST.get("next") or reverse("core:dashboard")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("core:dashboard")
    return redirect(next_url)


def api_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    check_perm(request, "accounts.manage_api_tokens", organisation)
    form = ApiTokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _, new_token = services.api_token_create(
                    actor=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],  # type: ignore[arg-type]
                    scopes=form.cleaned_data["scopes"],
                )
                form = ApiTokenForm()
            except DomainError as error:
                report_domain_error(request, error, form)
                status = 400
        else:
            status = 400
    tokens = (
        ApiToken.objects.filter(organisation=organisation)
        .select_related("created_by")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/api_tokens.html",
        {"organisation": organisation, "tokens": tokens, "form": form, "new_token": new_token},
        status=status,
    )


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("organisation"), pk=pk)
    check_perm(request, "accounts.manage_api_tokens", token.organisation)
    services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("accounts:api_tokens", pk=token.organisation_id)

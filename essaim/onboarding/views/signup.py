"""Sign-up pages: the form (public, throttled per address), "check your inbox", the confirmation link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from essaim.core.clients import client_ip
from essaim.core.errors import DomainError
from essaim.core.rate_limits import rate_limit_hit
from essaim.core.views_utils import report_domain_error

from .. import services
from ..forms import SignupForm

SIGNUP_RATE_LIMITED = (
    "Trop d'inscriptions envoyées depuis votre connexion en une heure : réessayez plus tard."
)


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("onboarding:welcome")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit_hit(scope="signup", key=client_ip(request), message=SIGNUP_RATE_LIMITED)
            services.signup_create(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            request.session["onboarding.signup_email"] = form.cleaned_data["email"]
            return redirect("onboarding:signup_sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "onboarding/signup.html", {"form": form}, status=status)


@login_not_required
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "onboarding/signup_sent.html", {"email": request.session.get("onboarding.signup_email", "")}
    )


@login_not_required
def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows the button (a mail scanner opening the link confirms nothing); POST opens the account."""
    user = services.user_for_confirmation(uidb64, token)
    if request.method == "POST" and user is not None:
        try:
            user = services.signup_confirm(uidb64=uidb64, token=token)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Votre adresse est confirmée et votre compte ouvert. Bienvenue !")
            return redirect("onboarding:welcome")
    return render(
        request,
        "onboarding/signup_confirm.html",
        {"valid": user is not None, "invalid_message": services.INVALID_LINK},
        status=200 if user is not None else 400 if request.method == "POST" else 200,
    )

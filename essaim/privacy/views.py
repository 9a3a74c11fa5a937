"""Personal data: the public page saying what is kept, why and how long; a person's own data (page and
JSON download); deleting the account."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from essaim.core import personal_data
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .forms import AccountDeleteForm
from .models import AccountErasure
from .selectors import personal_data_export, personal_data_summary
from .services import account_delete as account_delete_service

DELETED_MESSAGE = "Votre compte a été supprimé. Merci d'avoir utilisé la plateforme."


@login_not_required
def policy(request: HttpRequest) -> HttpResponse:
    """What is kept about people, why, on which legal basis and how long: from every app's declaration
    (essaim.core.personal_data) read with the current settings, so the page says what the purge does."""
    processings = [
        {
            "data": entry.data,
            "purpose": entry.purpose,
            "legal_basis": entry.legal_basis,
            "retention": entry.retention(),
        }
        for entry in personal_data.processings()
    ]
    context = {"processings": processings, "privacy_contact_email": settings.PRIVACY_CONTACT_EMAIL}
    return render(request, "privacy/policy.html", context)


def my_data(request: HttpRequest) -> HttpResponse:
    check_perm(request, "privacy.manage_own_data")
    return render(request, "privacy/my_data.html", {"summary": personal_data_summary(request.user)})


def my_data_download(request: HttpRequest) -> HttpResponse:
    check_perm(request, "privacy.manage_own_data")
    content = json.dumps(
        personal_data_export(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    filename = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    return attachment(content, "application/json; charset=utf-8", filename)


def account_delete(request: HttpRequest) -> HttpResponse:
    check_perm(request, "privacy.manage_own_data")
    obstacles = personal_data.deletion_obstacles(request.user)
    form = AccountDeleteForm(request.POST or None, request=request)
    if request.method == "POST" and not obstacles and form.is_valid():
        try:
            account_delete_service(person=request.user, reason=AccountErasure.Reason.REQUEST)  # type: ignore[arg-type]
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            logout(request)
            messages.success(request, DELETED_MESSAGE)
            return redirect("core:home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "obstacles": obstacles}
    return render(request, "privacy/account_delete.html", context, status=status)

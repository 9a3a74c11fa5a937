"""Preference pages: one-click unsubscribe and the structure's sourcing preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from essaim.accounts.acting import acting_organisation
from essaim.core.views_utils import check_perm

from .. import notifications, selectors, services
from ..forms import (
    PreferenceForm,
)


@csrf_exempt  # RFC 8058 one-click unsubscribe: the mail provider posts without a CSRF token
@login_not_required
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    structure = notifications.structure_from_unsubscribe_token(token)
    if structure is None:
        raise Http404("lien de désabonnement invalide")
    if request.method == "POST":
        services.emails_stop(structure=structure)
        return render(request, "sourcing/unsubscribe.html", {"structure": structure, "done": True})
    return render(request, "sourcing/unsubscribe.html", {"structure": structure, "done": False})


def preferences(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.manage_preferences")
    structure = selectors.structure_of(acting_organisation(request))
    preference = getattr(structure, "sourcing_preference", None) if structure else None
    initial = (
        {
            "stop_emails": preference.stop_emails,
            "muted_sectors": list(preference.muted_sectors.all()),
            "digest_sectors": list(preference.digest_sectors.all()),
            "digest_places": preference.digest_places,
        }
        if preference
        else {}
    )
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and structure is not None and form.is_valid():
        services.preference_update(
            actor=request.user,
            structure=structure,
            stop_emails=form.cleaned_data["stop_emails"],
            muted_sectors=list(form.cleaned_data["muted_sectors"]),
            digest_sectors=list(form.cleaned_data["digest_sectors"]),
            digest_places=form.cleaned_data["digest_places"],
        )
        messages.success(request, "Préférences enregistrées.")
        return redirect("sourcing:preferences")
    return render(request, "sourcing/preferences.html", {"form": form, "structure": structure})

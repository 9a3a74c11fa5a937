"""Support offer pages: list, create, edit, detail, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from essaim.accounts.acting import acting_organisation
from essaim.core.views_utils import check_perm, form_page
from essaim.territory.fields import place_query_redirect

from .. import selectors, services
from ..forms import (
    SupportOfferCreateForm,
    SupportOfferForm,
    SupportSearchForm,
)
from ..models import SupportOffer


def support_list(request: HttpRequest) -> HttpResponse:
    form = SupportSearchForm(request.GET or None)
    if target := place_query_redirect(request, form):
        return redirect(target)
    filters = form.cleaned_data if form.is_valid() else {}
    offers = selectors.support_offer_search(
        query=filters.get("q", ""),
        audience=filters.get("audience", ""),
        topic=filters.get("topic", ""),
        commune_code=filters.get("commune", ""),
    )
    return render(
        request,
        "cooperation/support_list.html",
        {
            "form": form,
            "offers": offers,
            "can_publish": request.user.has_perm("cooperation.publish_support_offer"),
        },
    )


def _offer_url(offer: SupportOffer) -> str:
    return reverse("cooperation:support_detail", args=[offer.pk])


def support_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_support_offer")
    return form_page(
        request,
        SupportOfferCreateForm(request.POST or None),
        "cooperation/support_form.html",
        save=lambda data: services.support_offer_publish(
            actor=request.user, organisation=acting_organisation(request), **data
        ),
        success=lambda offer: f"Offre « {offer.title} » publiée.",
        next_url=_offer_url,
    )


def support_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a published offer (its organisation, facilitators). A withdrawn offer is not found here."""
    offer = get_object_or_404(
        SupportOffer.objects.select_related("organisation", "perimeter"), pk=pk, is_published=True
    )
    check_perm(request, "cooperation.manage_support_offer", offer)
    initial = {
        "title": offer.title,
        "description": offer.description,
        "audience": offer.audience,
        "topics": offer.topic_list,
        "perimeter": offer.perimeter.code if offer.perimeter else "",
        "how_to_access": offer.how_to_access,
        "contact_email": offer.contact_email,
        "contact_url": offer.contact_url,
    }
    return form_page(
        request,
        SupportOfferForm(request.POST or None, initial=initial),
        "cooperation/support_form.html",
        save=lambda data: services.support_offer_update(actor=request.user, offer=offer, **data),
        success=lambda saved: f"Offre « {saved.title} » mise à jour.",
        next_url=_offer_url,
        context={"offer": offer},
    )


def support_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(
        SupportOffer.objects.select_related("organisation", "perimeter"), pk=pk, is_published=True
    )
    return render(
        request,
        "cooperation/support_detail.html",
        {"offer": offer, "can_manage": request.user.has_perm("cooperation.manage_support_offer", offer)},
    )


@require_POST
def support_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(SupportOffer.objects.select_related("organisation"), pk=pk)
    check_perm(request, "cooperation.manage_support_offer", offer)
    services.support_offer_withdraw(actor=request.user, offer=offer)
    messages.success(request, f"Offre « {offer.title} » retirée.")
    return redirect("cooperation:support_list")

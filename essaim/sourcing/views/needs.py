"""Needs pages: list, write, publish, detail with matches and reservation advice, actions, close."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.acting import acting_organisation
from essaim.accounts.models import Organisation
from essaim.cooperation.selectors import relevant_support_offers
from essaim.core.errors import DomainError
from essaim.core.french import counted
from essaim.core.private_files import private_file_response
from essaim.core.views_utils import check_perm, report_domain_error
from essaim.territory.fields import place_query_redirect

from .. import notifications, selectors, services
from ..forms import (
    AdviceForm,
    CloseForm,
    NeedFilterForm,
    NeedForm,
)
from ..models import Need
from .common import MATCHES_SHOWN, acting_buyer, need_or_404

# --- needs ------------------------------------------------------------------------------------------------


def need_list(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    if target := place_query_redirect(request, form):
        return redirect(target)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"],
            "sector": form.cleaned_data["sector"],
            "kind": form.cleaned_data["kind"],
            "place": form.cleaned_data["place"],
        }
    return render(
        request,
        "sourcing/need_list.html",
        {
            "form": form,
            "needs": list(selectors.published_needs(**filters)[:100]),
            "can_create": request.user.has_perm("sourcing.create_need"),
            "can_set_preferences": request.user.has_perm("sourcing.manage_preferences"),
        },
    )


def need_mine(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_need")
    organisation = acting_organisation(request)
    buyer = organisation if organisation and organisation.kind == Organisation.Kind.BUYER else None
    return render(
        request,
        "sourcing/need_mine.html",
        {
            "needs": selectors.needs_of_buyer(buyer),
            "buyer": buyer,
            "forecasts": selectors.forecasts(buyer=buyer) if buyer else [],
        },
    )


def need_to_validate(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.validate_need")
    return render(request, "sourcing/need_to_validate.html", {"needs": selectors.needs_to_validate()})


def _save_need(request: HttpRequest, form: NeedForm, need: Need | None) -> Need | None:
    uploaded = form.cleaned_data.get("attachment")
    try:
        data = form.need_data()
        if need is None:
            return services.need_create(
                actor=request.user,
                buyer=acting_buyer(request),
                data=data,
                attachments=[uploaded] if uploaded else [],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        return services.need_update(
            actor=request.user, need=need, data=data, attachments=[uploaded] if uploaded else []
        )
    except DomainError as error:
        report_domain_error(request, error, form)
        return None


def _offer_sectors(request: HttpRequest) -> NeedForm:
    """The form again, with the sectors suggested from its text offered for the buyer to confirm (unticked):
    a guess never becomes one of the need's sectors by itself."""
    text = f"{request.POST.get('title', '')} {request.POST.get('description', '')}"
    suggestions = [
        s for s in selectors.suggest_sectors(text) if str(s.pk) not in request.POST.getlist("sectors")
    ]
    data = request.POST.copy()
    data["sectors_reviewed"] = "on"
    data.setlist("suggested_sectors", [])
    if suggestions:
        lost = " Joignez de nouveau votre pièce jointe." if request.FILES else ""
        messages.info(
            request,
            "Secteurs proposés d'après votre texte : cochez ceux qui conviennent (ou aucun), puis "
            f"enregistrez.{lost}",
        )
    else:
        messages.info(request, "Aucun secteur ne ressort du texte : choisissez-les dans la liste.")
    return NeedForm(data, suggestions=suggestions)


def _need_form_page(request: HttpRequest, need: Need | None) -> HttpResponse:
    if request.method == "POST":
        form = NeedForm(request.POST, request.FILES)
        if "suggest" in request.POST:
            form = _offer_sectors(request)
        elif (
            form.is_valid()
            and not form.confirmed_sectors()
            and not form.cleaned_data["sectors_reviewed"]
            and selectors.suggest_sectors(f"{form.cleaned_data['title']} {form.cleaned_data['description']}")
        ):
            form = _offer_sectors(request)  # no sector chosen: confirm the suggestions before saving
        elif form.is_valid():
            saved = _save_need(request, form, need)
            if saved is not None:
                messages.success(request, "Besoin enregistré.")
                return redirect("sourcing:need_detail", pk=saved.pk)
    else:
        form = NeedForm(
            initial=NeedForm.initial_from(need)
            if need
            else {"kind": Need.Kind.SOURCING, "duration_months": 12, "show_buyer_name": True}
        )
    buyer = acting_organisation(request) if need is None else need.buyer
    support_offers = relevant_support_offers(
        audience="acheteurs",
        topics=["sourcing", "reservation", "clauses-sociales"],
        commune_code=getattr(buyer, "commune_id", None),
    )
    return render(
        request,
        "sourcing/need_form.html",
        {"form": form, "need": need, "support_offers": support_offers},
    )


def need_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_need")
    acting_buyer(request)
    return _need_form_page(request, None)


def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(pk)
    check_perm(request, "sourcing.manage_need", need)
    if need.status == Need.Status.CLOSED:
        messages.error(request, "Un besoin clos ne peut plus être modifié.")
        return redirect("sourcing:need_detail", pk=need.pk)
    return _need_form_page(request, need)


def _advice(request: HttpRequest, need: Need, matches: list[Any]) -> tuple[AdviceForm, Any]:
    initial: dict[str, Any] = {
        "amount": need.amount,
        "duration_months": need.duration_months,
        "labour_share": Decimal(50),
        "insertion_rate": Decimal(5),
        "hourly_cost": Decimal(30),
    }
    form = AdviceForm(request.GET if "amount" in request.GET else None, initial=initial)
    values = form.cleaned_data if form.is_bound and form.is_valid() else initial
    inputs = selectors.AdviceInputs(
        amount=float(values["amount"]) if values["amount"] is not None else None,
        amount_band=need.amount_band,
        duration_months=int(values["duration_months"]),
        labour_share=float(values["labour_share"]) / 100,
        insertion_rate=float(values["insertion_rate"]) / 100,
        hourly_cost=float(values["hourly_cost"]),
    )
    if not form.is_bound:
        form = AdviceForm(initial=initial)
    return form, selectors.reservation_advice(need, matches, inputs)


def _serve_attachment(need: Need, piece: str) -> HttpResponseBase:
    attachment = need.attachments.filter(pk=piece).first() if piece.isdigit() else None
    if attachment is None:
        raise Http404("pièce jointe inconnue")
    return private_file_response(attachment.file, attachment.name)


def need_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    need = need_or_404(pk)
    check_perm(request, "sourcing.view_need", need)
    if "piece" in request.GET:
        return _serve_attachment(need, request.GET["piece"])
    organisation = acting_organisation(request)
    context: dict[str, Any] = {
        "need": need,
        "attachments": list(need.attachments.all()),
        "published_questions": selectors.published_questions(need),
        "questions_open": need.questions_open(timezone.localdate()),
    }
    if request.user.has_perm("sourcing.view_matches", need):
        matches = selectors.need_matches(need)
        advice_form, advice = _advice(request, need, matches)
        able = selectors.able_matches(need, matches)
        context.update(
            matches=able[:MATCHES_SHOWN],
            match_summary=selectors.match_summary(able),
            interested_ids=selectors.interested_structure_ids(need),
            suggested_sectors=[]
            if need.sectors.all()
            else selectors.suggest_sectors(f"{need.title} {need.description}"),
            advice_form=advice_form,
            advice=advice,
            funnel=selectors.need_funnel(need),
            can_manage=request.user.has_perm("sourcing.manage_need", need),
            can_validate=request.user.has_perm("sourcing.validate_need", need)
            and need.status == Need.Status.TO_VALIDATE,
            validation_required=services.validation_required(),
            reminders_left=services.MAX_REMINDERS - need.reminders_sent,
            support_offers=relevant_support_offers(
                audience="acheteurs",
                topics=["sourcing", "reservation", "clauses-sociales"],
                commune_code=need.place_code if need.place_code.isdigit() else None,
            ),
        )
    if organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER:
        context["my_answer"] = selectors.answer_of_organisation(need, organisation)
        context["can_answer"] = (
            request.user.has_perm("sourcing.answer_need", need) and need.status == Need.Status.PUBLISHED
        )
        structure = selectors.structure_of(organisation)
        if structure is not None:
            notifications.mark_step("viewed", need=need, structure=structure)
    context["can_report"] = (
        request.user.has_perm("sourcing.report_contract", need) and need.status != Need.Status.DRAFT
    )
    return render(request, "sourcing/need_detail.html", context)


@require_POST
def need_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, publish, validate, send back or remind: one POST with `action`."""
    need = need_or_404(pk)
    action = request.POST.get("action", "")
    rule = {
        "submit": "sourcing.manage_need",
        "publish": "sourcing.manage_need",
        "remind": "sourcing.manage_need",
        "validate": "sourcing.validate_need",
        "reject": "sourcing.validate_need",
    }.get(action)
    if rule is None:
        check_perm(request, "sourcing.manage_need", need)
        messages.error(request, "Action inconnue.")
        return redirect("sourcing:need_detail", pk=need.pk)
    check_perm(request, rule, need)
    try:
        if action == "submit":
            need = services.need_submit(actor=request.user, need=need)
            done = (
                "Besoin envoyé à l'équipe du territoire pour validation."
                if need.status == Need.Status.TO_VALIDATE
                else "Besoin publié : les structures les mieux classées vont être prévenues."
            )
        elif action == "publish":
            services.need_publish(actor=request.user, need=need)
            done = "Besoin publié : les structures les mieux classées vont être prévenues."
        elif action == "validate":
            services.need_validate(actor=request.user, need=need)
            done = "Besoin validé et publié."
        elif action == "reject":
            services.need_reject(actor=request.user, need=need, reason=request.POST.get("reason", ""))
            done = "Besoin renvoyé à l'acheteur."
        else:
            count = services.need_remind(actor=request.user, need=need)
            done = f"Relance envoyée à {counted(count, 'structure')}."
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, done)
    return redirect("sourcing:need_detail", pk=need.pk)


def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(pk)
    check_perm(request, "sourcing.manage_need", need)
    suppliers = Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER).order_by("name")
    form = CloseForm(request.POST or None, suppliers=suppliers)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_close(
                actor=request.user,
                need=need,
                outcome=form.cleaned_data["outcome"],
                supplier=form.cleaned_data["supplier"],
                amount=form.cleaned_data["amount"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Besoin clos.")
            return redirect("sourcing:need_detail", pk=need.pk)
    return render(
        request,
        "sourcing/need_close.html",
        {"need": need, "form": form, "interested": selectors.interested_organisations(need)},
    )

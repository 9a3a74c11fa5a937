"""Pages of the sourcing capability: needs (write, publish, close), matches and reservation advice, answers,
follow-up, preferences, purchase forecasts. Thin: rule, form, one service or selector, render.

Files (attachments, CSV/XLSX exports) are served by the page they belong to with `?format=…` or
`?piece=…`, so every named URL is an HTML page. GET views never write: the funnel steps (opened, viewed)
are recorded by a background task they enqueue.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from essaim.accounts.models import Organisation
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from . import exports, forecasts, notifications, selectors, services, tasks
from .forms import (
    AdviceForm,
    AnswerForm,
    CloseForm,
    ContractForm,
    ForecastFilterForm,
    ForecastForm,
    ForecastImportForm,
    NeedFilterForm,
    NeedForm,
    PreferenceForm,
)
from .models import Need, NeedAnswer, NeedNotification

MATCHES_SHOWN = 20


def _active_organisation(request: HttpRequest) -> Organisation | None:
    membership = request.organisations.active  # type: ignore[attr-defined]
    return membership.organisation if membership is not None else None


def _active_buyer(request: HttpRequest) -> Organisation:
    organisation = _active_organisation(request)
    if organisation is None or organisation.kind != Organisation.Kind.BUYER:
        raise PermissionDenied("sourcing: active organisation is not a buyer")
    return organisation


def _active_supplier(request: HttpRequest) -> Organisation:
    organisation = _active_organisation(request)
    if organisation is None or organisation.kind != Organisation.Kind.SUPPLIER:
        raise PermissionDenied("sourcing: active organisation is not a supplier")
    return organisation


def _need(pk: int) -> Need:
    return get_object_or_404(selectors.need_queryset(), pk=pk)


# --- needs ------------------------------------------------------------------------------------------------


def need_list(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "query": form.cleaned_data["q"],
            "sector": form.cleaned_data["sector"],
            "kind": form.cleaned_data["kind"],
            "place": form.cleaned_data["place"],
        }
    organisation = _active_organisation(request)
    return render(
        request,
        "sourcing/need_list.html",
        {
            "form": form,
            "needs": list(selectors.published_needs(**filters)[:100]),
            "can_create": request.user.has_perm("sourcing.create_need"),
            "is_supplier": organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER,
        },
    )


def need_mine(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_need")
    organisation = _active_organisation(request)
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
                buyer=_active_buyer(request),
                data=data,
                attachments=[uploaded] if uploaded else [],
            )
        return services.need_update(
            actor=request.user, need=need, data=data, attachments=[uploaded] if uploaded else []
        )
    except DomainError as error:
        report_domain_error(request, error, form)
        return None


def _need_form_page(request: HttpRequest, need: Need | None) -> HttpResponse:
    if request.method == "POST":
        form = NeedForm(request.POST, request.FILES)
        if "suggest" in request.POST:
            text = f"{request.POST.get('title', '')} {request.POST.get('description', '')}"
            data = request.POST.copy()
            data.setlist("sectors", [str(s.pk) for s in selectors.suggest_sectors(text)])
            form = NeedForm(data)
            messages.info(request, "Secteurs proposés d'après le texte : vérifiez-les avant d'enregistrer.")
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
    from essaim.cooperation.selectors import relevant_support_offers

    buyer = _active_organisation(request) if need is None else need.buyer
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
    _active_buyer(request)
    return _need_form_page(request, None)


def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(pk)
    check_perm(request, "sourcing.manage_need", need)
    if need.status == Need.Status.CLOSED:
        messages.error(request, "Un besoin clos ne peut plus être modifié.")
        return redirect("sourcing:need_detail", pk=need.pk)
    return _need_form_page(request, need)


def _advice(request: HttpRequest, need: Need, matches: list[Any]) -> tuple[AdviceForm, Any]:
    default_amount = need.amount or Decimal(0)
    initial: dict[str, Any] = {
        "amount": default_amount,
        "duration_months": need.duration_months,
        "labour_share": Decimal(50),
        "insertion_rate": Decimal(5),
        "hourly_cost": Decimal(30),
    }
    form = AdviceForm(request.GET if "amount" in request.GET else None, initial=initial)
    values = form.cleaned_data if form.is_bound and form.is_valid() else initial
    inputs = selectors.AdviceInputs(
        amount=float(values["amount"]),
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
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def need_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    need = _need(pk)
    check_perm(request, "sourcing.view_need", need)
    if "piece" in request.GET:
        return _serve_attachment(need, request.GET["piece"])
    organisation = _active_organisation(request)
    context: dict[str, Any] = {"need": need, "attachments": list(need.attachments.all())}
    if request.user.has_perm("sourcing.view_matches", need):
        matches = selectors.need_matches(need)
        advice_form, advice = _advice(request, need, matches)
        from essaim.cooperation.selectors import relevant_support_offers

        context.update(
            matches=matches[:MATCHES_SHOWN],
            match_count=len(matches),
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
        notification = (
            NeedNotification.objects.filter(need=need, structure=structure, viewed_at__isnull=True).first()
            if structure
            else None
        )
        if notification is not None:
            tasks.record_step.enqueue(notification.pk, "viewed")
    context["can_report"] = (
        request.user.has_perm("sourcing.report_contract", need) and need.status != Need.Status.DRAFT
    )
    return render(request, "sourcing/need_detail.html", context)


@require_POST
def need_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, publish, validate, send back or remind: one POST with `action`."""
    need = _need(pk)
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
            done = f"Relance envoyée à {count} structure{'s' if count > 1 else ''}."
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(request, done)
    return redirect("sourcing:need_detail", pk=need.pk)


def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(pk)
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


def need_answers(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(pk)
    check_perm(request, "sourcing.view_answers", need)
    rows = selectors.dashboard_rows(need)
    export = request.GET.get("format")
    if export == "csv":
        return exports.dashboard_csv(need, rows)
    if export == "xlsx":
        return exports.dashboard_xlsx(need, rows)
    return render(
        request,
        "sourcing/need_answers.html",
        {
            "need": need,
            "rows": rows,
            "funnel": selectors.need_funnel(need),
            "questions": list(selectors.answers_of_need(need).filter(kind=NeedAnswer.Kind.QUESTION)),
        },
    )


def _answer_page(
    request: HttpRequest,
    need: Need,
    organisation: Organisation,
    template: str,
    extra: dict[str, Any],
    *,
    by_link: bool = False,
) -> HttpResponse | None:
    """The answer form; None once the answer is recorded (the caller redirects)."""
    form = AnswerForm(request.POST or None, request.FILES or None, questions=need.question_list)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_record(
                actor=None if by_link else request.user,  # a link speaks for its structure, not the session
                need=need,
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                answers=form.answers(),
                message=form.cleaned_data["message"],
                reason=form.cleaned_data["reason"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except DomainError as error:
            if error.field == "answers" and need.question_list:
                error.field = "question_0"
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Votre réponse a été transmise à l'acheteur.")
            return None
    return render(request, template, {"need": need, "form": form, "organisation": organisation, **extra})


def need_answer(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(pk)
    check_perm(request, "sourcing.answer_need", need)
    organisation = _active_supplier(request)
    response = _answer_page(
        request,
        need,
        organisation,
        "sourcing/need_answer.html",
        {"my_answer": selectors.answer_of_organisation(need, organisation)},
    )
    return response or redirect("sourcing:need_detail", pk=need.pk)


def answer_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    answer = get_object_or_404(
        NeedAnswer.objects.select_related("need", "need__buyer", "organisation", "structure", "author"), pk=pk
    )
    check_perm(request, "sourcing.view_answer", answer)
    if request.GET.get("format") == "piece":
        if not answer.attachment:
            raise Http404("pas de pièce jointe")
        return FileResponse(answer.attachment.open("rb"), as_attachment=True, filename=answer.attachment_name)
    return render(request, "sourcing/answer_detail.html", {"answer": answer, "need": answer.need})


def need_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    need = _need(pk)
    check_perm(request, "sourcing.report_contract", need)
    organisation = _active_organisation(request)
    is_buyer = organisation is not None and organisation.pk == need.buyer_id
    if is_buyer:
        suppliers = Organisation.objects.filter(
            pk__in=need.answers.filter(kind=NeedAnswer.Kind.INTERESTED).values("organisation_id")
        ).order_by("name")
    else:
        suppliers = (
            Organisation.objects.filter(pk=organisation.pk) if organisation else Organisation.objects.none()
        )
    form = ContractForm(request.POST or None, suppliers=suppliers)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["signed"] == "oui":
            try:
                services.contract_record(
                    actor=request.user,
                    need=need,
                    supplier=form.cleaned_data["supplier"],
                    amount=form.cleaned_data["amount"],
                    signed_on=form.cleaned_data["signed_on"],
                    reported_by=organisation,
                )
            except DomainError as error:
                report_domain_error(request, error, form)
                return render(request, "sourcing/need_follow_up.html", {"need": need, "form": form})
            messages.success(request, "Merci : la collaboration est enregistrée.")
        else:
            messages.success(request, "Merci pour votre réponse.")
        return redirect("sourcing:need_detail", pk=need.pk)
    return render(
        request,
        "sourcing/need_follow_up.html",
        {
            "need": need,
            "form": form,
            # A supplier sees its own declared contract only, never another supplier's.
            "collaborations": list(
                need.collaborations.select_related("supplier")
                if is_buyer
                else need.collaborations.filter(supplier=organisation).select_related("supplier")
            ),
        },
    )


# --- signed links (no password) -----------------------------------------------------------------------------


@login_not_required
def need_open(request: HttpRequest, token: str) -> HttpResponse:
    """The need as the email's signed link opens it; the structure may answer without logging in."""
    notification = notifications.notification_from_token(token)
    if notification is None:
        return render(request, "sourcing/link_expired.html", status=410 if request.method == "POST" else 200)
    need = notification.need
    organisation = notification.structure.organisation
    if request.method == "GET" and notification.opened_at is None:
        tasks.record_step.enqueue(notification.pk, "opened")
    if organisation is None or need.status != Need.Status.PUBLISHED:
        return render(
            request, "sourcing/need_open.html", {"need": need, "notification": notification, "form": None}
        )
    response = _answer_page(
        request,
        need,
        organisation,
        "sourcing/need_open.html",
        {"notification": notification, "my_answer": selectors.answer_of_organisation(need, organisation)},
        by_link=True,
    )
    return response or redirect("sourcing:need_open", token=token)


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
    structure = selectors.structure_of(_active_organisation(request))
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


# --- purchase forecasts --------------------------------------------------------------------------------------


def forecast_list(request: HttpRequest) -> HttpResponse:
    form = ForecastFilterForm(request.GET or None)
    sector = year = None
    if form.is_valid():
        sector, year = form.cleaned_data["sector"], form.cleaned_data["year"]
    return render(
        request,
        "sourcing/forecast_list.html",
        {
            "form": form,
            "forecasts": list(selectors.forecasts(sector=sector, year=year)[:300]),
            "can_create": request.user.has_perm("sourcing.create_forecast"),
        },
    )


def forecast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    forecast = get_object_or_404(selectors.forecasts(), pk=pk)
    matches, advice = selectors.forecast_advice(forecast)
    return render(
        request,
        "sourcing/forecast_detail.html",
        {
            "forecast": forecast,
            "matches": matches[:MATCHES_SHOWN],
            "match_count": len(matches),
            "advice": advice,
        },
    )


def forecast_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_forecast")
    buyer = _active_buyer(request)
    form = ForecastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            forecasts.forecast_create(
                actor=request.user,
                buyer=buyer,
                data=forecasts.ForecastData(
                    title=c["title"],
                    year=c["year"],
                    quarter=c["quarter"],
                    sector=c["sector"],
                    amount_band=c["amount_band"],
                    procedure=c["procedure"],
                    place_code=c["place_code"] or "",
                    reference=c["reference"],
                ),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Prévision d'achat publiée.")
            return redirect("sourcing:forecast_list")
    return render(request, "sourcing/forecast_form.html", {"form": form})


def forecast_import(request: HttpRequest) -> HttpResponse:
    check_perm(request, "sourcing.create_forecast")
    buyer = _active_buyer(request)
    form = ForecastImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            report = forecasts.forecast_import(
                actor=request.user,
                buyer=buyer,
                filename=uploaded.name or "plan.csv",
                stream=uploaded,
                commit=form.cleaned_data["commit"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
    return render(
        request,
        "sourcing/forecast_import.html",
        {"form": form, "report": report, "list_url": reverse("sourcing:forecast_list")},
    )

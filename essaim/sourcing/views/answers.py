"""Answers pages: the buyer's dashboard, a supplier's answer, follow-up, and the signed email link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from essaim.accounts.acting import acting_organisation
from essaim.accounts.models import Organisation
from essaim.core.errors import DomainError, RateLimited
from essaim.core.private_files import private_file_response
from essaim.core.rate_limits import rate_limit_hit
from essaim.core.views_utils import check_perm, report_domain_error

from .. import exports, notifications, selectors, services
from ..forms import (
    AnswerForm,
    ContractForm,
    QuestionReplyForm,
)
from ..models import Need, NeedAnswer, NeedNotification
from .common import acting_supplier, need_or_404

LINK_RATE_LIMITED = "Trop de réponses envoyées par ce lien en une heure : réessayez plus tard."


def need_answers(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(pk)
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


def question_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer answers a supplier's question; the answer is published to every structure (see the service)."""
    question = get_object_or_404(
        NeedAnswer.objects.select_related("need", "need__buyer"), pk=pk, kind=NeedAnswer.Kind.QUESTION
    )
    check_perm(request, "sourcing.reply_question", question)
    form = QuestionReplyForm(request.POST or None, initial={"reply": question.reply})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_reply(actor=request.user, question=question, reply=form.cleaned_data["reply"])
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request, "Réponse publiée sur la page du besoin et envoyée à toutes les structures prévenues."
            )
            return redirect("sourcing:need_answers", pk=question.need_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sourcing/question_reply.html",
        {"question": question, "need": question.need, "form": form},
        status=status,
    )


def _answer_page(
    request: HttpRequest,
    need: Need,
    organisation: Organisation,
    template: str,
    extra: dict[str, Any],
    *,
    by_link: NeedNotification | None = None,
) -> HttpResponse | None:
    """The answer form; None once the answer is recorded (the caller redirects). Answers through a signed
    link are rate-limited per link (`ESSAIM_RATE_LIMITS["need_link"]`)."""
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        questions=need.question_list,
        initial={"kind": NeedAnswer.Kind.QUESTION} if request.GET.get("type") == "question" else None,
    )
    if request.method == "POST" and form.is_valid():
        if by_link is not None:
            try:
                rate_limit_hit(scope="need_link", key=f"notification:{by_link.pk}", message=LINK_RATE_LIMITED)
            except RateLimited as error:
                report_domain_error(request, error, form)
                context = {"need": need, "form": form, "organisation": organisation, **extra}
                return render(request, template, context, status=429)
        try:
            services.answer_record(
                actor=None
                if by_link is not None
                else request.user,  # a link speaks for its structure, not the session
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
    need = need_or_404(pk)
    check_perm(request, "sourcing.answer_need", need)
    organisation = acting_supplier(request)
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
        return private_file_response(answer.attachment, answer.attachment_name or "piece-jointe")
    return render(request, "sourcing/answer_detail.html", {"answer": answer, "need": answer.need})


def need_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(pk)
    check_perm(request, "sourcing.report_contract", need)
    organisation = acting_organisation(request)
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
        notifications.mark_step("opened", pk=notification.pk)
    if organisation is None or need.status != Need.Status.PUBLISHED:
        return render(
            request,
            "sourcing/need_open.html",
            {
                "need": need,
                "notification": notification,
                "form": None,
                "published_questions": selectors.published_questions(need),
            },
        )
    response = _answer_page(
        request,
        need,
        organisation,
        "sourcing/need_open.html",
        {
            "notification": notification,
            "my_answer": selectors.answer_of_organisation(need, organisation),
            "published_questions": selectors.published_questions(need),
        },
        by_link=notification,
    )
    return response or redirect("sourcing:need_open", token=token)

"""Declaring a month of hours: through the holder's account, or the signed password-less monthly link; and
a facilitator's correction of one line (audited, with its history)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from essaim.core.audit import history_for
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import links, selectors, services
from ..forms import CorrectionForm, StatementForm
from ..models import Contract, Declaration, MonthlyStatement
from .common import can


def _month(contract: Contract, year: int, month: int) -> date:
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404("mois inconnu") from None
    try:
        return services.check_month(contract, first)
    except DomainError:
        raise Http404("mois hors de l'exécution du marché") from None


def _statement_page(
    request: HttpRequest,
    contract: Contract,
    month: date,
    *,
    channel: str,
    reader_label: str = "",
    after: str,
    template_context: dict[str, Any],
) -> HttpResponse:
    missions = selectors.missions_for_month(contract, month)
    identities = services.identity_read(
        reader=request.user if channel == "compte" else None,
        participants=[m.participant for m in missions],
        page=request.path,
        fields="prénom",
        reader_label=reader_label,
    )
    names = {pk: identity.first_name for pk, identity in identities.items()}
    statement = selectors.statement_of(contract, month)
    locked = statement is not None and statement.is_validated
    form = StatementForm(
        request.POST if request.method == "POST" and not locked else None, missions=missions, names=names
    )
    if request.method == "POST" and not locked and form.is_valid():
        lines = [services.Line(mission=m, hours=h, training_hours=t) for m, h, t in form.lines()]
        try:
            services.statement_submit(
                actor=request.user if channel == "compte" else None,
                contract=contract,
                month=month,
                lines=lines,
                channel=channel,
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request,
                f"Heures de {month:%m/%Y} déclarées pour le marché {contract.reference} : "
                "l'équipe d'animation va les valider.",
            )
            return redirect(after)
    status = 400 if request.method == "POST" and not locked else 200
    return render(
        request,
        "clauses/statement_form.html",
        {
            "contract": contract,
            "month": month,
            "form": form,
            "statement": statement,
            "locked": locked,
            **template_context,
        },
        status=status,
    )


def statement_edit(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """The holder (or a facilitator) declares a month through their account."""
    contract = get_object_or_404(Contract.objects.select_related("holder", "buyer"), pk=pk)
    check_perm(request, "clauses.declare_hours", contract)
    first = _month(contract, year, month)
    return _statement_page(
        request,
        contract,
        first,
        channel="compte" if not can(request, "clauses.validate_hours") else "animation",
        after=request.path,
        template_context={"via_link": False},
    )


@login_not_required
def statement_link(request: HttpRequest, token: str) -> HttpResponse:
    """The signed monthly link: declare that month of that contract, without an account."""
    found = links.statement_from_token(token)
    if found is None:
        return render(request, "clauses/link_invalid.html", status=404)
    contract, month = found
    return _statement_page(
        request,
        contract,
        month,
        channel=MonthlyStatement.Channel.LINK,
        reader_label=f"Lien mensuel du titulaire {contract.holder.name}",
        after=request.path,
        template_context={"via_link": True},
    )


def declaration_correct(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_object_or_404(
        Declaration.objects.select_related(
            "mission", "mission__participant", "statement", "statement__contract"
        ),
        pk=pk,
    )
    check_perm(request, "clauses.validate_hours")
    form = CorrectionForm(
        request.POST or None,
        initial={"hours": declaration.hours, "training_hours": declaration.training_hours},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_correct(actor=request.user, declaration=declaration, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Heures corrigées ; la correction est enregistrée dans l'historique.")
            return redirect("clauses:declaration_correct", pk=declaration.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clauses/declaration_correct.html",
        {"declaration": declaration, "form": form, "history": list(history_for(declaration)[:50])},
        status=status,
    )

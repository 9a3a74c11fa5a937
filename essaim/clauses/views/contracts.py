"""Contract pages: the list, a contract (owed against done, projection, months, participants), create (from
scratch, a published need and its reservation advice, or a DECP record), edit, lots and co-contractors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.models import Organisation
from essaim.accounts.perms import is_facilitator
from essaim.core.errors import DomainError
from essaim.core.french import lowercase_start
from essaim.core.views_utils import check_perm, report_domain_error
from essaim.insight.selectors import ContractRecord, contract_record
from essaim.sourcing import selectors as sourcing_selectors
from essaim.sourcing.models import Need

from .. import exports, selectors, services
from ..charts import months_chart_svg
from ..forms import ContractForm, LotForm, PartyForm
from ..models import Contract, ContractLot, ContractParty, MonthlyStatement
from .common import can


def home(request: HttpRequest) -> HttpResponse:
    check_perm(request, "clauses.view_home")
    contracts = list(selectors.contracts_visible_to(request.user).order_by("end_date", "reference"))
    progress = selectors.contract_progress(contracts)
    ids = set(selectors.organisation_ids(request.user))
    facilitator = bool(is_facilitator(request.user))
    return render(
        request,
        "clauses/home.html",
        {
            "rows": [(c, progress[c.pk]) for c in contracts],
            "is_facilitator": facilitator,
            "to_validate": selectors.statements_to_validate().count() if facilitator else 0,
            "my_buyers": Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.BUYER).order_by(
                "name"
            ),
            "my_holders": Organisation.objects.filter(pk__in=ids, clause_contracts_as_holder__isnull=False)
            .distinct()
            .order_by("name"),
            "declarable": {c.pk for c in contracts if can(request, "clauses.declare_hours", c)},
        },
    )


def _contract(pk: int) -> Contract:
    return get_object_or_404(selectors.contract_queryset(), pk=pk)


def contract_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    contract = _contract(pk)
    check_perm(request, "clauses.view_contract", contract)
    page = selectors.contract_page(contract)
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.download(
            exports.contract_months_table(page), request.GET["format"], f"clause-{contract.reference}"
        )
    sees_people = can(request, "clauses.view_participants", contract)
    return render(
        request,
        "clauses/contract_detail.html",
        {
            "contract": contract,
            "page": page,
            "chart": months_chart_svg(
                [(row.month, row.hours, row.training_hours) for row in page.months[-24:]],
                title="Heures déclarées par mois",
            ),
            "sees_people": sees_people,
            "manages": can(request, "clauses.manage_contracts"),
            "can_declare": can(request, "clauses.declare_hours", contract),
            "can_validate": can(request, "clauses.validate_hours"),
            "sees_identities": can(request, "clauses.view_people"),
            "lots": list(contract.lots.all()),
            "parties": list(contract.parties.select_related("organisation")),
        },
    )


@dataclass
class Source:
    """Where a new contract comes from: a need (with its reservation advice) or a DECP record."""

    origin: str = Contract.Origin.MANUAL
    need: Need | None = None
    record: ContractRecord | None = None
    advice_summary: str = ""
    advice_hours: int | None = None
    initial: dict[str, Any] | None = None

    def origin_fields(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "need": self.need,
            "advice_summary": self.advice_summary,
            "advice_hours": self.advice_hours,
            "decp_buyer_siret": self.record.buyer_siret if self.record else "",
            "decp_id": self.record.id if self.record else "",
        }


def _source(request: HttpRequest) -> Source:
    need_id = request.GET.get("besoin", "")
    if need_id.isdigit():
        need = Need.objects.select_related("buyer").filter(pk=need_id).first()
        if need is not None:
            return _source_of_need(need)
    buyer_siret = "".join(request.GET.get("decp_acheteur", "").split())
    contract_id = request.GET.get("decp_id", "").strip()
    if buyer_siret and contract_id:
        record = contract_record(buyer_siret, contract_id)
        if record is not None:
            return _source_of_record(record)
        messages.error(request, "Ce marché n'est pas dans les données essentielles importées (DECP).")
    return Source()


def _source_of_need(need: Need) -> Source:
    advice = sourcing_selectors.reservation_advice(
        need,
        sourcing_selectors.need_matches(need),
        sourcing_selectors.AdviceInputs(
            amount=float(need.amount) if need.amount is not None else None,
            amount_band=need.amount_band,
            duration_months=need.duration_months,
        ),
    )
    start = need.start_date or timezone.localdate()
    return Source(
        origin=Contract.Origin.NEED,
        need=need,
        advice_summary=advice.summary,
        advice_hours=advice.insertion_hours,
        initial={
            "title": need.title,
            "buyer": need.buyer_id,
            "amount_ht": need.amount,
            "labour_share": Decimal(50),
            "insertion_rate": Decimal(5),
            "hourly_cost": Decimal(30),
            "start_date": start,
            "end_date": start + timedelta(days=30 * need.duration_months),
            "legal_basis": "marche-reserve"
            if advice.kind in ("reservation", "lot-reserve")
            else "condition-execution",
        },
    )


def _source_of_record(record: ContractRecord) -> Source:
    buyer = services.find_organisation(record.buyer_siret) if len(record.buyer_siret) == 14 else None
    start = record.notified_on or timezone.localdate()
    months = record.duration_months or 12
    holder_siret = next((h for h in record.holder_ids if len(h) == 14 and h.isdigit()), "")
    holder = services.find_organisation(holder_siret) if holder_siret else None
    return Source(
        origin=Contract.Origin.DECP,
        record=record,
        initial={
            "reference": record.id,
            "title": record.object,
            "buyer": buyer.pk if buyer and buyer.kind == Organisation.Kind.BUYER else None,
            "holder": holder.pk if holder else None,
            "holder_siret": "" if holder else holder_siret,
            "amount_ht": Decimal(str(record.amount)) if record.amount is not None else None,
            "labour_share": Decimal(50),
            "insertion_rate": Decimal(5),
            "hourly_cost": Decimal(30),
            "start_date": start,
            "end_date": start + timedelta(days=30 * months),
        },
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "reference",
        "title",
        "buyer",
        "legal_basis",
        "amount_ht",
        "labour_share",
        "insertion_rate",
        "hourly_cost",
        "hours_owed",
        "start_date",
        "end_date",
        "facilitator",
    )
    values = {key: data[key] for key in keys}
    values["hours_owed_reason"] = data.get("hours_owed_reason") or ""
    values["declarant_email"] = data.get("declarant_email") or ""
    return values


def _contract_form_page(
    request: HttpRequest, form: ContractForm, contract: Contract | None, source: Source
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.contract_save(
                actor=request.user,
                contract=contract,
                values=_values(data),
                holder=data.get("holder"),
                holder_siret=data.get("holder_siret") or "",
                holder_name=data.get("holder_name") or "",
                **(source.origin_fields() if contract is None else {}),
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request, f"Marché {saved.reference} enregistré : {saved.hours_owed} heures d'insertion dues."
            )
            return redirect("clauses:contract_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    needs = (
        Need.objects.filter(status__in=[Need.Status.PUBLISHED, Need.Status.CLOSED])
        .select_related("buyer")
        .order_by("-published_at")[:50]
        if contract is None
        else []
    )
    return render(
        request,
        "clauses/contract_form.html",
        {"form": form, "contract": contract, "source": source, "needs": needs},
        status=status,
    )


def contract_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "clauses.manage_contracts")
    source = _source(request)
    initial = {"facilitator": request.user.pk, "legal_basis": "condition-execution", **(source.initial or {})}
    return _contract_form_page(request, ContractForm(request.POST or None, initial=initial), None, source)


def contract_update(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(pk)
    check_perm(request, "clauses.manage_contracts")
    form = ContractForm(request.POST or None, initial=ContractForm.initial_from(contract))
    return _contract_form_page(request, form, contract, Source())


def contract_parties(request: HttpRequest, pk: int) -> HttpResponse:
    """Lots, co-contractors and subcontractors of a contract: add (two forms) and remove."""
    contract = _contract(pk)
    check_perm(request, "clauses.manage_contracts")
    action = request.POST.get("action", "")
    lot_form = LotForm(request.POST if action == "lot" else None, prefix="lot")
    party_form = PartyForm(request.POST if action == "party" else None, prefix="party")
    if request.method == "POST":
        try:
            if action == "lot" and lot_form.is_valid():
                lot = services.contract_lot_add(
                    actor=request.user, contract=contract, **lot_form.cleaned_data
                )
                messages.success(request, f"Lot {lot.number} ajouté.")
                return redirect("clauses:contract_parties", pk=contract.pk)
            if action == "party" and party_form.is_valid():
                party = services.contract_party_add(
                    actor=request.user, contract=contract, **party_form.cleaned_data
                )
                messages.success(
                    request,
                    f"{party.organisation.name} ajouté comme {lowercase_start(party.get_role_display())}.",
                )
                return redirect("clauses:contract_parties", pk=contract.pk)
            if action == "remove-lot":
                lot = get_object_or_404(ContractLot, pk=request.POST.get("lot", ""), contract=contract)
                services.contract_lot_remove(actor=request.user, lot=lot)
                messages.success(request, f"Lot {lot.number} retiré.")
                return redirect("clauses:contract_parties", pk=contract.pk)
            if action == "remove-party":
                party = get_object_or_404(ContractParty, pk=request.POST.get("party", ""), contract=contract)
                services.contract_party_remove(actor=request.user, party=party)
                messages.success(request, "Cotraitant ou sous-traitant retiré.")
                return redirect("clauses:contract_parties", pk=contract.pk)
        except DomainError as error:
            report_domain_error(request, error, lot_form if action == "lot" else party_form)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "clauses/contract_parties.html",
        {
            "contract": contract,
            "lot_form": lot_form,
            "party_form": party_form,
            "lots": list(contract.lots.all()),
            "parties": list(contract.parties.select_related("organisation")),
        },
        status=status,
    )


@require_POST
def statement_validate(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(MonthlyStatement.objects.select_related("contract"), pk=pk)
    check_perm(request, "clauses.validate_hours")
    try:
        services.statement_validate(actor=request.user, statement=statement)
    except DomainError as error:
        report_domain_error(request, error)
    else:
        messages.success(
            request, f"Relevé de {statement.month:%m/%Y} du marché {statement.contract.reference} validé."
        )
    target = request.POST.get("next", "")
    if target == "a-valider":
        return redirect("clauses:to_validate")
    return redirect(reverse("clauses:contract_detail", args=[statement.contract_id]) + "#mois")


def to_validate(request: HttpRequest) -> HttpResponse:
    """Facilitators: months declared and waiting for validation, and months late (past the 10th)."""
    check_perm(request, "clauses.validate_hours")
    return render(
        request,
        "clauses/to_validate.html",
        {"statements": list(selectors.statements_to_validate()), "late": selectors.late_months()},
    )


def first_of(year: int, month: int) -> date | None:
    try:
        return date(year, month, 1)
    except ValueError:
        return None

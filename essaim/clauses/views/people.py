"""Participant pages (facilitators only, superusers included in the refusal): a participant's record with
their identity (each display logged), editing, joining a contract, pathways, the right of access (download)
and erasure, the access log; and the public information notice."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..forms import MissionForm, ParticipantForm, PathwayForm
from ..models import Contract, Mission, Participant
from ..services.privacy import retention_years
from .common import check_people_rule


def _participant(pk: int) -> Participant:
    return get_object_or_404(selectors.participant_queryset(), pk=pk)


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(pk)
    check_people_rule(request, "clauses.view_people", participant)
    identity = services.identity_read(
        reader=request.user, participants=[participant], page=request.get_full_path()
    ).get(participant.pk)
    return render(
        request,
        "clauses/participant_detail.html",
        {
            "participant": participant,
            "identity": identity,
            "missions": selectors.participant_missions(participant),
            "reads": selectors.identity_reads(participant=participant, limit=20),
        },
    )


def _profile(data: dict[str, Any]) -> services.ProfileData:
    return services.ProfileData(
        sex=data.get("sex") or "",
        birth_year=data["birth_date"].year if data.get("birth_date") else None,
        qpv=data.get("qpv"),
        prescriber=data.get("prescriber") or "",
        prescriber_name=data.get("prescriber_name") or "",
    )


def _identity(data: dict[str, Any]) -> services.IdentityData:
    return services.IdentityData(
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        birth_date=data.get("birth_date"),
        email=data.get("email") or "",
        phone=data.get("phone") or "",
        address=data.get("address") or "",
    )


def participant_update(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(pk)
    check_people_rule(request, "clauses.manage_people", participant)
    identity = services.identity_read(
        reader=request.user, participants=[participant], page=request.get_full_path()
    ).get(participant.pk)
    form = ParticipantForm(request.POST or None, initial=ParticipantForm.initial_from(participant, identity))
    if participant.identity_removed_at is not None:
        for name in ("first_name", "last_name", "birth_date", "email", "phone", "address"):
            form.fields.pop(name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                profile = _profile(data)
                if "birth_date" not in data:  # identity erased: the birth year stays as it was
                    profile = services.ProfileData(
                        **{**profile.__dict__, "birth_year": participant.birth_year}
                    )
                services.participant_update(actor=request.user, participant=participant, profile=profile)
                if participant.identity_removed_at is None:
                    services.identity_save(actor=request.user, participant=participant, data=_identity(data))
                if data.get("eligibility") and data["eligibility"] != participant.eligibility:
                    services.eligibility_validate(
                        actor=request.user, participant=participant, eligibility=data["eligibility"]
                    )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"Participant {participant.reference} mis à jour.")
            return redirect("clauses:participant_detail", pk=participant.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "clauses/participant_form.html", {"form": form, "participant": participant}, status=status
    )


def mission_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant joins a contract: an existing reference, or a new person (identity, data, eligibility)."""
    contract = get_object_or_404(Contract.objects.select_related("holder"), pk=pk)
    check_perm(request, "clauses.manage_contracts")
    check_people_rule(request, "clauses.manage_people")
    form = MissionForm(request.POST or None, initial={"started_on": None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mission = _join(request, contract, data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(
                request,
                f"{mission.participant.reference} travaille désormais sur le marché {contract.reference}.",
            )
            return redirect("clauses:contract_detail", pk=contract.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "clauses/mission_form.html", {"form": form, "contract": contract}, status=status)


@transaction.atomic
def _join(request: HttpRequest, contract: Contract, data: dict[str, Any]) -> Mission:
    reference = (data.get("existing") or "").strip()
    if reference:
        participant = Participant.objects.filter(reference=reference).first()
        if participant is None:
            raise services.ClauseError(
                f"Aucun participant ne porte la référence {reference}.", field="existing"
            )
    else:
        participant = services.participant_create(
            actor=request.user, profile=_profile(data), identity=_identity(data)
        )
        if data.get("eligibility"):
            services.eligibility_validate(
                actor=request.user, participant=participant, eligibility=data["eligibility"]
            )
    employer = None
    if (data.get("employer_siret") or "").strip():
        employer = services.organisation_for_siret(
            actor=request.user, siret=data["employer_siret"], kind="supplier", field="employer_siret"
        )
    return services.mission_create(
        actor=request.user,
        contract=contract,
        participant=participant,
        modality=data["modality"],
        employer=employer,
        started_on=data.get("started_on"),
    )


def mission_pathway(request: HttpRequest, pk: int) -> HttpResponse:
    mission = get_object_or_404(Mission.objects.select_related("contract", "participant"), pk=pk)
    check_people_rule(request, "clauses.manage_people", mission.participant)
    form = PathwayForm(
        request.POST or None,
        initial={
            "ended_on": mission.ended_on,
            "exit_situation": mission.exit_situation,
            "six_months_situation": mission.six_months_situation,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pathway_record(actor=request.user, mission=mission, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"Parcours de {mission.participant.reference} enregistré.")
            return redirect("clauses:participant_detail", pk=mission.participant_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "clauses/pathway_form.html", {"form": form, "mission": mission}, status=status)


def participant_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Right of access: everything kept about the person, as a JSON file (the read is logged)."""
    participant = _participant(pk)
    check_people_rule(request, "clauses.view_people", participant)
    identity = services.identity_read(
        reader=request.user,
        participants=[participant],
        page=request.get_full_path(),
        fields="identité (export)",
    ).get(participant.pk)
    record = selectors.participant_record(participant, identity)
    content = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    return attachment(content, "application/json", f"donnees-{participant.reference}.json")


@require_POST
def participant_erase(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(pk)
    check_people_rule(request, "clauses.manage_people", participant)
    if request.POST.get("confirm") != "oui":
        messages.error(request, "Cochez la case de confirmation pour effacer l'identité.")
        return redirect("clauses:participant_detail", pk=participant.pk)
    services.participant_erase(actor=request.user, participant=participant)
    messages.success(
        request,
        f"Identité de {participant.reference} effacée. Ses heures restent, sous sa seule référence, dans les totaux.",
    )
    return redirect("clauses:participant_detail", pk=participant.pk)


def access_log(request: HttpRequest) -> HttpResponse:
    check_people_rule(request, "clauses.view_people")
    return render(request, "clauses/access_log.html", {"reads": selectors.identity_reads(limit=500)})


@login_not_required
def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "clauses/notice.html", {"retention_years": retention_years()})

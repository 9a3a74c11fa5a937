"""Working group pages: list, create, edit, detail, joining, actions, meetings, documents, flows."""

from __future__ import annotations

from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.acting import acting_organisation
from essaim.core.downloads import attachment
from essaim.core.errors import DomainError
from essaim.core.exports import CSV_CONTENT_TYPE
from essaim.core.french import lowercase_start
from essaim.core.private_files import private_file_response
from essaim.core.views_utils import check_perm, report_domain_error

from .. import selectors, services
from ..charts import flows_chart_svg
from ..exports import flows_csv
from ..forms import (
    ActionForm,
    ActionStatusForm,
    CommentForm,
    DecisionForm,
    DocumentForm,
    FlowForm,
    GroupForm,
    GroupUpdateForm,
    JoinForm,
    MeetingForm,
    MemberRoleForm,
    MemberTypeForm,
)
from ..models import GroupAction, GroupDocument, GroupMember, WorkingGroup
from .acting import audience_of


def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cooperation/group_list.html", {"groups": selectors.group_list()})


def group_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.create_group")
    form = GroupForm(request.POST or None, initial={"access": WorkingGroup.Access.REQUEST})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user, organisation=acting_organisation(request), **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"Le groupe « {group.name} » est créé.")
            return redirect("cooperation:group_detail", pk=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperation/group_form.html", {"form": form}, status=status)


def group_update(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup.objects.select_related("perimeter"), pk=pk)
    check_perm(request, "cooperation.manage_group", group)
    initial = {
        "name": group.name,
        "purpose": group.purpose,
        "perimeter": group.perimeter.code if group.perimeter else "",
        "access": group.access,
        "is_private": group.is_private,
        "tracks_material_flows": group.tracks_material_flows,
    }
    form = GroupUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Le groupe est mis à jour.")
            return redirect("cooperation:group_detail", pk=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperation/group_update.html", {"form": form, "group": group}, status=status)


def _group_page(request: HttpRequest, group: WorkingGroup, **forms: Any) -> dict[str, Any]:
    organisation = acting_organisation(request)
    user = request.user
    can_manage = user.has_perm("cooperation.manage_group", group)
    is_member = rules.has_perm("cooperation.contribute_to_group", user, group)
    return {
        "group": group,
        "my_membership": selectors.membership_of(group, organisation),
        "active_members": [m for m in group.members.all() if m.status == GroupMember.Status.ACTIVE],
        "pending_members": [m for m in group.members.all() if m.status == GroupMember.Status.PENDING]
        if can_manage
        else [],
        "can_manage": can_manage,
        "is_member": is_member,
        "can_join": user.has_perm("cooperation.join_group") and organisation is not None,
        "can_view_flows": group.tracks_material_flows and user.has_perm("cooperation.view_flows", group),
        "can_see_documents": rules.has_perm("cooperation.view_group_documents", user, group),
        "indicators": selectors.group_indicators(group),
        "join_form": forms.get("join_form") or JoinForm(),
        "action_form": forms.get("action_form") or ActionForm(group=group),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "status_choices": GroupAction.Status.choices,
        "member_type_choices": GroupMember.MemberType.choices,
        "support_offers": selectors.relevant_support_offers(
            audience=audience_of(organisation),
            topics=["cooperation", "financement", "locaux", "formation"],
            commune_code=organisation.commune_id if organisation else None,
        ),
        "today": timezone.localdate(),
    }


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        group = selectors.group_detail(pk)
    except WorkingGroup.DoesNotExist as error:
        raise Http404("Groupe inconnu") from error
    return render(request, "cooperation/group_detail.html", _group_page(request, group))


def _rerender_group(request: HttpRequest, group: WorkingGroup, **forms: Any) -> HttpResponse:
    group = selectors.group_detail(group.pk)
    return render(request, "cooperation/group_detail.html", _group_page(request, group, **forms), status=400)


@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    check_perm(request, "cooperation.join_group")
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _rerender_group(request, group, join_form=form)
    try:
        member = services.group_join(
            actor=request.user, group=group, organisation=acting_organisation(request), **form.cleaned_data
        )
    except DomainError as error:
        report_domain_error(request, error)
    else:
        if member.status == GroupMember.Status.ACTIVE:
            messages.success(request, f"{member.organisation} a rejoint le groupe.")
        else:
            messages.success(request, "Votre demande est envoyée aux coordinateurs du groupe.")
    return redirect("cooperation:group_detail", pk=group.pk)


@require_POST
def member_decide(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(GroupMember.objects.select_related("group", "organisation"), pk=pk)
    check_perm(request, "cooperation.manage_group", member.group)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Décision inconnue.")
    else:
        approve = form.cleaned_data["decision"] == "accepter"
        try:
            services.group_member_decide(actor=request.user, member=member, approve=approve)
            messages.success(
                request, f"Demande de {member.organisation} {'acceptée' if approve else 'refusée'}."
            )
        except DomainError as error:
            report_domain_error(request, error)
    return redirect("cooperation:group_detail", pk=member.group_id)


def _change_member(
    request: HttpRequest, pk: int, form_class: type[forms.Form], invalid: str, change: Any, done: Any
) -> HttpResponse:
    """Shared by the member type and role changes: check, validate, call the service, say what happened."""
    member = get_object_or_404(GroupMember.objects.select_related("group", "organisation"), pk=pk)
    check_perm(request, "cooperation.manage_group", member.group)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            member = change(member, *form.cleaned_data.values())
        except DomainError as error:
            report_domain_error(request, error)
        else:
            messages.success(request, f"{member.organisation} : {done(member)}.")
    return redirect(reverse("cooperation:group_detail", args=[member.group_id]) + "#membres")


@require_POST
def member_type(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the type of an active member (coordinators, facilitators)."""
    return _change_member(
        request,
        pk,
        MemberTypeForm,
        "Type de membre inconnu : choisissez un type dans la liste.",
        lambda member, value: services.group_member_set_type(
            actor=request.user, member=member, member_type=value
        ),
        lambda member: member.get_member_type_display(),
    )


@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Make an active member a coordinator, or a plain member again (coordinators, facilitators)."""
    return _change_member(
        request,
        pk,
        MemberRoleForm,
        "Rôle inconnu : choisissez coordinateur ou membre.",
        lambda member, value: services.group_member_set_role(actor=request.user, member=member, role=value),
        lambda member: lowercase_start(member.get_role_display()),
    )


@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    check_perm(request, "cooperation.manage_group", group)
    form = ActionForm(request.POST, group=group)
    if form.is_valid():
        try:
            services.group_action_create(actor=request.user, group=group, **form.cleaned_data)
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Action ajoutée au plan d'action.")
            return redirect(reverse("cooperation:group_detail", args=[group.pk]) + "#plan-action")
    return _rerender_group(request, group, action_form=form)


@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(GroupAction.objects.select_related("group"), pk=pk)
    if not (
        request.user.has_perm("cooperation.manage_group", action.group)
        or rules.has_perm("cooperation.contribute_to_group", request.user, action.group)
    ):
        raise PermissionDenied("cooperation.contribute_to_group")
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.group_action_set_status(
            actor=request.user, action=action, status=form.cleaned_data["status"]
        )
        messages.success(request, f"Statut de « {action.title} » : {action.get_status_display()}.")
    else:
        messages.error(request, "Statut inconnu.")
    return redirect(reverse("cooperation:group_detail", args=[action.group_id]) + "#plan-action")


@require_POST
def action_comment(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(GroupAction.objects.select_related("group"), pk=pk)
    if not rules.has_perm("cooperation.contribute_to_group", request.user, action.group):
        raise PermissionDenied("cooperation.contribute_to_group")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.action_comment_add(
                actor=request.user,
                action=action,
                organisation=acting_organisation(request),
                body=form.cleaned_data["body"],
            )
            messages.success(request, "Commentaire ajouté.")
        except DomainError as error:
            report_domain_error(request, error)
    else:
        messages.error(request, "Le commentaire est vide ou trop long.")
    return redirect(reverse("cooperation:group_detail", args=[action.group_id]) + f"#action-{action.pk}")


@require_POST
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    check_perm(request, "cooperation.manage_group", group)
    form = MeetingForm(request.POST)
    if form.is_valid():
        services.group_meeting_record(actor=request.user, group=group, **form.cleaned_data)
        messages.success(request, "Réunion enregistrée.")
        return redirect(reverse("cooperation:group_detail", args=[group.pk]) + "#reunions")
    return _rerender_group(request, group, meeting_form=form)


@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    if not rules.has_perm("cooperation.contribute_to_group", request.user, group):
        raise PermissionDenied("cooperation.contribute_to_group")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        as_charter = form.cleaned_data["as_charter"] and request.user.has_perm(
            "cooperation.manage_group", group
        )
        try:
            services.group_document_upload(
                actor=request.user,
                group=group,
                organisation=acting_organisation(request),
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
                as_charter=as_charter,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Document partagé avec le groupe.")
            return redirect(reverse("cooperation:group_detail", args=[group.pk]) + "#documents")
    return _rerender_group(request, group, document_form=form)


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A shared document's page; `?format=fichier` downloads it. Members only for private groups."""
    document = get_object_or_404(GroupDocument.objects.select_related("group", "organisation"), pk=pk)
    # rules.has_perm, not user.has_perm: no one outside a private group sees its documents, superusers included.
    if not rules.has_perm("cooperation.view_group_documents", request.user, document.group):
        raise PermissionDenied("cooperation.view_group_documents")
    if request.GET.get("format") == "fichier":
        return private_file_response(document.file, document.filename or f"document.{document.kind}")
    return render(request, "cooperation/document_detail.html", {"document": document})


def group_flows(request: HttpRequest, pk: int) -> HttpResponse:
    """Material flows of a group: chart, data table, CSV (`?format=csv`), and the declaration form."""
    group = get_object_or_404(WorkingGroup, pk=pk, tracks_material_flows=True)
    check_perm(request, "cooperation.view_flows", group)
    can_declare = rules.has_perm("cooperation.declare_flows", request.user, group)
    form = FlowForm(request.POST or None)
    if request.method == "POST":
        if not can_declare:
            raise PermissionDenied("cooperation.declare_flows")
        if form.is_valid():
            try:
                services.material_flow_declare(
                    actor=request.user,
                    group=group,
                    organisation=acting_organisation(request),
                    **form.cleaned_data,
                )
            except DomainError as error:
                report_domain_error(request, error, form)
            else:
                messages.success(request, "Flux du trimestre enregistrés.")
                return redirect("cooperation:group_flows", pk=group.pk)
    flows = selectors.group_flows(group)
    if request.method == "GET" and request.GET.get("format") == "csv":
        return attachment(flows_csv(flows), CSV_CONTENT_TYPE, f"flux-groupe-{group.pk}.csv")
    indicators = selectors.group_indicators(group)
    return render(
        request,
        "cooperation/group_flows.html",
        {
            "group": group,
            "indicators": indicators,
            "chart": flows_chart_svg(indicators.quarters) if indicators.quarters else "",
            "flows": flows,
            "form": form,
            "can_declare": can_declare,
        },
        status=400 if request.method == "POST" else 200,
    )

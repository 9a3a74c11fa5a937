"""Pages of the cooperation capability: working groups, pooling, support offers. Thin: rule, form, service.

Files (CSV, iCalendar, PDF, shared documents) are served by the page they belong to with `?format=…`, so
that every named URL is an HTML page (the URL matrix and the accessibility scan open them all).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from essaim.accounts.models import Organisation
from essaim.core.errors import DomainError
from essaim.core.views_utils import check_perm, report_domain_error

from . import selectors, services
from .agreement import agreement_pdf
from .calendar_feed import resource_ics
from .charts import flows_chart_svg
from .exports import flows_csv
from .forms import (
    ActionForm,
    ActionStatusForm,
    BookingForm,
    CommentForm,
    DecisionForm,
    DocumentForm,
    FlowForm,
    GroupForm,
    GroupUpdateForm,
    JoinForm,
    MeetingForm,
    ResourceFilterForm,
    ResourceForm,
    ResourceRequestForm,
    SupportOfferForm,
    SupportSearchForm,
)
from .models import Booking, GroupAction, GroupDocument, GroupMember, Resource, SupportOffer, WorkingGroup


def _active_organisation(request: HttpRequest) -> Organisation | None:
    membership = request.organisations.active  # type: ignore[attr-defined]
    return membership.organisation if membership is not None else None


def _audience_of(organisation: Organisation | None) -> str:
    if organisation is not None and organisation.kind == Organisation.Kind.BUYER:
        return SupportOffer.Audience.BUYERS
    if organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER:
        return SupportOffer.Audience.SUPPLIERS
    return SupportOffer.Audience.BOTH


def home(request: HttpRequest) -> HttpResponse:
    organisation = _active_organisation(request)
    commune_code = organisation.commune_id if organisation else None
    return render(
        request,
        "cooperation/home.html",
        {
            "my_groups": selectors.groups_of_organisation(organisation),
            "groups": selectors.group_list()[:6],
            "resources": selectors.resource_search()[:6],
            "support_offers": selectors.relevant_support_offers(
                audience=_audience_of(organisation),
                topics=["cooperation", "locaux", "financement", "sourcing", "reservation"],
                commune_code=commune_code,
            ),
        },
    )


# ---------------------------------------------------------------- working groups


def group_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cooperation/group_list.html", {"groups": selectors.group_list()})


def group_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.create_group")
    form = GroupForm(request.POST or None, initial={"access": WorkingGroup.Access.REQUEST})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                actor=request.user, organisation=_active_organisation(request), **form.cleaned_data
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
    organisation = _active_organisation(request)
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
        "support_offers": selectors.relevant_support_offers(
            audience=_audience_of(organisation),
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
            actor=request.user, group=group, organisation=_active_organisation(request), **form.cleaned_data
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
                organisation=_active_organisation(request),
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
                organisation=_active_organisation(request),
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
                as_charter=as_charter,
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
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
        )
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
                    organisation=_active_organisation(request),
                    **form.cleaned_data,
                )
            except DomainError as error:
                report_domain_error(request, error, form)
            else:
                messages.success(request, "Flux du trimestre enregistrés.")
                return redirect("cooperation:group_flows", pk=group.pk)
    flows = selectors.group_flows(group)
    if request.method == "GET" and request.GET.get("format") == "csv":
        response = HttpResponse(flows_csv(flows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="flux-groupe-{group.pk}.csv"'
        return response
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


# ---------------------------------------------------------------- pooling


def resource_list(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    kind = commune = ""
    if form.is_valid():
        kind, commune = form.cleaned_data["kind"], form.cleaned_data["commune"]
    return render(
        request,
        "cooperation/resource_list.html",
        {
            "form": form,
            "resources": selectors.resource_search(kind=kind, commune_code=commune),
            "can_publish": request.user.has_perm("cooperation.publish_resource"),
        },
    )


def resource_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_resource")
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_publish(
                actor=request.user, organisation=_active_organisation(request), **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"« {resource.title} » est proposée à la mutualisation.")
            return redirect("cooperation:resource_detail", pk=resource.pk)
    return render(
        request,
        "cooperation/resource_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _month_param(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


def resource_detail(request: HttpRequest, pk: int, booking_form: BookingForm | None = None) -> HttpResponse:
    """A resource, its calendar (list first, then a month grid) and the booking form; `?format=ics`."""
    resource = get_object_or_404(Resource.objects.select_related("owner", "perimeter", "commune"), pk=pk)
    if request.GET.get("format") == "ics":
        response = HttpResponse(resource_ics(resource), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ressource-{resource.pk}.ics"'
        return response
    year, month = _month_param(request.GET.get("mois"))
    first = date(year, month, 1)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    is_owner = request.user.has_perm("cooperation.manage_resource", resource)
    upcoming = selectors.resource_bookings(resource, since=timezone.now())
    return render(
        request,
        "cooperation/resource_detail.html",
        {
            "resource": resource,
            "is_owner": is_owner,
            "can_book": resource.is_active and request.user.has_perm("cooperation.request_booking", resource),
            "accepted": [b for b in upcoming if b.status == Booking.Status.ACCEPTED],
            "pending": [b for b in upcoming if b.status == Booking.Status.REQUESTED] if is_owner else [],
            "weeks": selectors.month_grid(resource, year, month),
            "month": first,
            "previous_month": previous,
            "next_month": following,
            "weekdays": ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"],
            "booking_form": booking_form or BookingForm(),
        },
        status=400 if booking_form is not None else 200,
    )


@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("owner"), pk=pk)
    check_perm(request, "cooperation.manage_resource", resource)
    services.resource_withdraw(actor=request.user, resource=resource)
    messages.success(request, f"« {resource.title} » n'est plus proposée.")
    return redirect("cooperation:my_pooling")


@require_POST
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("owner"), pk=pk)
    check_perm(request, "cooperation.request_booking", resource)
    form = BookingForm(request.POST)
    if form.is_valid():
        try:
            booking = services.booking_request(
                actor=request.user,
                resource=resource,
                organisation=_active_organisation(request),
                **form.cleaned_data,
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, "Votre demande de réservation est envoyée au propriétaire.")
            return redirect("cooperation:booking_detail", pk=booking.pk)
    return resource_detail(request, resource.pk, booking_form=form)


def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A booking; once accepted, `?format=pdf` downloads the agreement (convention) between both parties."""
    booking = get_object_or_404(
        Booking.objects.select_related(
            "resource", "resource__owner", "resource__commune", "requester", "requested_by"
        ),
        pk=pk,
    )
    check_perm(request, "cooperation.view_booking", booking)
    if request.GET.get("format") == "pdf":
        if booking.status != Booking.Status.ACCEPTED:
            messages.error(request, "La convention n'existe qu'une fois la réservation acceptée.")
            return redirect("cooperation:booking_detail", pk=booking.pk)
        response = HttpResponse(agreement_pdf(booking), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="convention-reservation-{booking.pk}.pdf"'
        return response
    return render(
        request,
        "cooperation/booking_detail.html",
        {
            "booking": booking,
            "can_decide": request.user.has_perm("cooperation.decide_booking", booking)
            and booking.status == Booking.Status.REQUESTED,
            "can_cancel": request.user.has_perm("cooperation.cancel_booking", booking)
            and booking.status in (Booking.Status.REQUESTED, Booking.Status.ACCEPTED),
        },
    )


@require_POST
def booking_decide(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("resource", "resource__owner"), pk=pk)
    check_perm(request, "cooperation.decide_booking", booking)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Décision inconnue.")
    else:
        try:
            if form.cleaned_data["decision"] == "accepter":
                services.booking_accept(actor=request.user, booking=booking)
                messages.success(request, "Réservation acceptée : la convention est disponible.")
            else:
                services.booking_decline(actor=request.user, booking=booking)
                messages.success(request, "Réservation refusée.")
        except DomainError as error:
            report_domain_error(request, error)
    return redirect("cooperation:booking_detail", pk=booking.pk)


@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("resource", "resource__owner", "requester"), pk=pk
    )
    check_perm(request, "cooperation.cancel_booking", booking)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
        messages.success(request, "Réservation annulée.")
    except DomainError as error:
        report_domain_error(request, error)
    return redirect("cooperation:booking_detail", pk=booking.pk)


def my_pooling(request: HttpRequest) -> HttpResponse:
    organisation = _active_organisation(request)
    return render(
        request,
        "cooperation/my_pooling.html",
        {
            "organisation": organisation,
            "bookings": selectors.bookings_of_organisation(organisation),
            "requests": selectors.requests_of_organisation(organisation),
            "resources": Resource.objects.filter(owner=organisation)
            if organisation
            else Resource.objects.none(),
        },
    )


def request_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_resource")
    form = ResourceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource_request = services.resource_request_publish(
                actor=request.user, organisation=_active_organisation(request), **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            count = resource_request.matches.count()
            messages.success(
                request,
                f"Demande publiée : {count} ressource{'s' if count > 1 else ''} correspond{'ent' if count > 1 else ''}.",
            )
            return redirect("cooperation:my_pooling")
    return render(
        request,
        "cooperation/request_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- support offers


def support_list(request: HttpRequest) -> HttpResponse:
    form = SupportSearchForm(request.GET or None)
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


def support_create(request: HttpRequest) -> HttpResponse:
    check_perm(request, "cooperation.publish_support_offer")
    form = SupportOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.support_offer_publish(
                actor=request.user, organisation=_active_organisation(request), **form.cleaned_data
            )
        except DomainError as error:
            report_domain_error(request, error, form)
        else:
            messages.success(request, f"Offre « {offer.title} » publiée.")
            return redirect("cooperation:support_detail", pk=offer.pk)
    return render(
        request,
        "cooperation/support_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
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

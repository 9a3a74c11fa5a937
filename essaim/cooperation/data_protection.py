"""What the cooperation app holds about a person (see essaim.core.personal_data): groups they created,
comments, shared documents, declared material flows, resource requests and bookings, and the working
groups of their organisations. All are the groups' and organisations' records: on account deletion they
stay, under the pseudonym."""

from __future__ import annotations

from django.db.models import Q

from essaim.core import personal_data
from essaim.core.personal_data import Person, Processing, Row

from .models import (
    ActionComment,
    Booking,
    GroupDocument,
    GroupMember,
    MaterialFlow,
    ResourceRequest,
    WorkingGroup,
)


@personal_data.export(
    "cooperation.groups_created", "Groupes de travail créés", covers=["cooperation.WorkingGroup.created_by"]
)
def groups_created(person: Person) -> list[Row]:
    return [
        {"groupe": group.name, "objet": group.purpose, "cree_le": group.created_at}
        for group in WorkingGroup.objects.filter(created_by=person).order_by("created_at", "id")
    ]


@personal_data.export("cooperation.group_memberships", "Groupes de travail de vos organisations")
def group_memberships(person: Person) -> list[Row]:
    found = GroupMember.objects.filter(organisation__memberships__user=person).select_related(
        "group", "organisation"
    )
    return [
        {
            "groupe": member.group.name,
            "organisation": member.organisation.name,
            "role": member.get_role_display(),
            "statut": member.get_status_display(),
            "message": member.message,
            "depuis": member.created_at,
        }
        for member in found.order_by("created_at", "id")
    ]


@personal_data.export("cooperation.comments", "Commentaires", covers=["cooperation.ActionComment.author"])
def comments(person: Person) -> list[Row]:
    found = ActionComment.objects.filter(author=person).select_related("action__group")
    return [
        {
            "groupe": comment.action.group.name,
            "action": comment.action.title,
            "commentaire": comment.body,
            "date": comment.created_at,
        }
        for comment in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "cooperation.documents", "Documents partagés", covers=["cooperation.GroupDocument.uploaded_by"]
)
def documents(person: Person) -> list[Row]:
    found = GroupDocument.objects.filter(uploaded_by=person).select_related("group")
    return [
        {
            "groupe": document.group.name,
            "titre": document.title,
            "type": document.get_kind_display(),
            "date": document.created_at,
        }
        for document in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "cooperation.material_flows", "Flux de matières déclarés", covers=["cooperation.MaterialFlow.declared_by"]
)
def material_flows(person: Person) -> list[Row]:
    found = MaterialFlow.objects.filter(declared_by=person).select_related("group", "organisation")
    return [
        {
            "groupe": flow.group.name,
            "organisation": flow.organisation.name,
            "periode": f"{flow.year}-T{flow.quarter}",
            "matiere": flow.get_material_display(),
            "collecte_t": flow.collected_t,
            "reemploye_t": flow.reused_t,
            "recycle_t": flow.recycled_t,
        }
        for flow in found.order_by("year", "quarter", "id")
    ]


@personal_data.export(
    "cooperation.resource_requests",
    "Demandes de ressources",
    covers=["cooperation.ResourceRequest.created_by"],
)
def resource_requests(person: Person) -> list[Row]:
    found = ResourceRequest.objects.filter(created_by=person).select_related("organisation")
    return [
        {
            "organisation": request.organisation.name,
            "type": request.get_kind_display(),
            "besoin": request.description,
            "du": request.starts_on,
            "au": request.ends_on,
            "statut": request.get_status_display(),
        }
        for request in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "cooperation.bookings",
    "Réservations demandées ou décidées",
    covers=["cooperation.Booking.requested_by", "cooperation.Booking.decided_by"],
)
def bookings(person: Person) -> list[Row]:
    found = Booking.objects.filter(Q(requested_by=person) | Q(decided_by=person)).select_related(
        "resource", "requester"
    )
    return [
        {
            "ressource": booking.resource.title,
            "organisation": booking.requester.name,
            "vous_avez": "demandé" if booking.requested_by_id == person.pk else "décidé",
            "debut": booking.starts_at,
            "fin": booking.ends_at,
            "message": booking.message,
            "statut": booking.get_status_display(),
        }
        for booking in found.order_by("starts_at", "id")
    ]


personal_data.processing(
    Processing(
        key="cooperation.contributions",
        order=55,
        data=(
            "Coopération : auteur des commentaires, documents, déclarations de flux, demandes et "
            "réservations de ressources"
        ),
        purpose="Faire travailler ensemble les organisations du territoire (groupes, mutualisation)",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que les dossiers du groupe ou de l'organisation ; à la suppression de votre "
            "compte, ils restent au nom de « Personne supprimée »"
        ),
    )
)

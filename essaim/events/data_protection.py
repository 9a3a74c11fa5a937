"""What the events app holds about a person (see essaim.core.personal_data): registrations with their
meeting profile, meeting requests and meetings. On account deletion, registrations to events still to
come are cancelled (the seats go to the waiting list); past ones stay in the organisers' records."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from essaim.core import personal_data
from essaim.core.personal_data import Former, Person, Processing, Row

from .models import Meeting, MeetingRequest, Registration
from .services import registration_cancel


@personal_data.export(
    "events.registrations", "Inscriptions aux événements", covers=["events.Registration.user"]
)
def registrations(person: Person) -> list[Row]:
    found = Registration.objects.filter(user=person).select_related("event", "organisation")
    return [
        {
            "evenement": registration.event.title,
            "debut": registration.event.starts_at,
            "organisation": registration.organisation.name,
            "participe_comme": registration.get_role_display(),
            "etat": registration.get_status_display(),
            "inscrit_le": registration.created_at,
            "annulee_le": registration.cancelled_at,
            "arrivee_le": registration.checked_in_at,
            "ce_que_je_propose": registration.offer,
            "ce_que_je_recherche": registration.seek,
            "disponibilites": registration.availability,
        }
        for registration in found.order_by("created_at", "id")
    ]


@personal_data.export("events.meeting_requests", "Demandes de rendez-vous")
def meeting_requests(person: Person) -> list[Row]:
    found = (
        MeetingRequest.objects.filter(Q(requester__user=person) | Q(recipient__user=person))
        .select_related("event", "requester__organisation", "recipient__organisation")
        .order_by("created_at", "id")
    )
    return [
        {
            "evenement": request.event.title,
            "sens": "envoyée" if request.requester.user_id == person.pk else "reçue",
            "de": request.requester.organisation.name,
            "a": request.recipient.organisation.name,
            "priorite": request.get_priority_display(),
            "message": request.message,
            "etat": request.get_status_display(),
            "date": request.created_at,
        }
        for request in found
    ]


@personal_data.export("events.meetings", "Rendez-vous")
def meetings(person: Person) -> list[Row]:
    found = (
        Meeting.objects.filter(Q(a__user=person) | Q(b__user=person))
        .select_related("event", "a__organisation", "b__organisation")
        .order_by("event__starts_at", "slot")
    )
    return [
        {
            "evenement": meeting.event.title,
            "creneau": meeting.slot_label,
            "table": meeting.table,
            "avec": (meeting.b if meeting.a.user_id == person.pk else meeting.a).organisation.name,
            "suite_donnee": meeting.get_outcome_display(),
        }
        for meeting in found
    ]


@personal_data.eraser("events")
def erase(person: Person, former: Former) -> None:
    upcoming = Registration.objects.active().filter(user=person, event__ends_at__gt=timezone.now())
    for registration in upcoming:
        registration_cancel(actor=person, registration=registration)


personal_data.processing(
    Processing(
        key="events.registrations",
        order=40,
        data=(
            "Inscriptions aux événements : organisation, rôle, arrivée, ce que vous proposez et recherchez, "
            "disponibilités, demandes de rendez-vous et rendez-vous"
        ),
        purpose="Organiser les événements et les rendez-vous entre acheteurs et fournisseurs",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que l'historique de l'événement ; à la suppression de votre compte, vos "
            "inscriptions à venir sont annulées et les passées restent au nom de « Personne supprimée »"
        ),
    )
)

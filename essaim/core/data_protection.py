"""What the core holds about a person (see essaim.core.personal_data): the audit trail of their actions,
their back-office actions and the messages they sent through the contact form."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry

from . import personal_data
from .models import AuditLog, ContactMessage
from .personal_data import Former, Person, Processing, Row


@personal_data.export(
    "core.audit", "Journal des actions que vous avez faites", covers=["core.AuditLog.actor"]
)
def audit_entries(person: Person) -> list[Row]:
    return [
        {
            "date": entry.created_at,
            "action": entry.action,
            "objet": entry.object_repr,
            "organisation": entry.organisation_id,
            "details": entry.data,
        }
        for entry in AuditLog.objects.filter(actor=person).order_by("created_at", "id")
    ]


@personal_data.export("core.back_office", "Actions dans le back-office", covers=["admin.LogEntry.user"])
def back_office_actions(person: Person) -> list[Row]:
    return [
        {
            "date": entry.action_time,
            "objet": entry.object_repr,
            "action": entry.get_action_flag_display(),
            "modification": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(user=person).order_by("action_time", "id")
    ]


@personal_data.export("core.contact_messages", "Messages de contact", covers=["core.ContactMessage.email"])
def contact_messages(person: Person) -> list[Row]:
    return [
        {
            "date": message.created_at,
            "sujet": message.get_topic_display(),
            "nom": message.name,
            "page": message.page_url,
            "message": message.message,
        }
        for message in ContactMessage.objects.filter(email__iexact=person.email).order_by("created_at")
    ]


@personal_data.eraser("core")
def erase(person: Person, former: Former) -> None:
    """The messages the person sent through the contact form go. (The audit trail stays, redacted by the
    deletion service: its entries tell the organisations' history.)"""
    ContactMessage.objects.filter(email__iexact=former.email).delete()


def purge_contact_messages(now: datetime) -> int:
    cutoff = now - timedelta(days=personal_data.retention_days("contact_message"))
    deleted, _ = ContactMessage.objects.filter(created_at__lt=cutoff).delete()
    return deleted


personal_data.processing(
    Processing(
        key="core.audit",
        order=30,
        data="Journal d'audit : qui a fait quelle action, sur quel élément, quand",
        purpose="Sécurité de la plateforme et traçabilité des décisions (besoins, réponses, inscriptions…)",
        legal_basis=personal_data.SECURITY,
        retention=lambda: (
            "Aussi longtemps que les éléments concernés ; à la suppression d'un compte, son adresse et son "
            "nom sont effacés du journal et ses actions restent au nom de « Personne supprimée »"
        ),
    )
)
personal_data.processing(
    Processing(
        key="core.contact_messages",
        order=60,
        data="Messages de contact : nom, adresse électronique, page concernée, message",
        purpose="Vous répondre (questions, problèmes d'accessibilité, demandes sur vos données)",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: f"{personal_data.retention_label('contact_message')} après leur envoi",
        purge=purge_contact_messages,
    )
)

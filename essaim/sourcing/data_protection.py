"""What the sourcing app holds about a person (see essaim.core.personal_data): the needs, forecasts,
imports and collaborations they wrote for a buyer, and the answers they wrote for a supplier. All of
them are their organisation's records: on account deletion they stay, under the pseudonym. The address
each need email went to is a log: it is blanked after its retention period (the funnel row stays)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from essaim.core import personal_data
from essaim.core.personal_data import Person, Processing, Row

from .models import (
    Collaboration,
    ForecastImport,
    ForecastInterest,
    Need,
    NeedAnswer,
    NeedNotification,
    PurchaseForecast,
)


@personal_data.export("sourcing.needs", "Besoins rédigés", covers=["sourcing.Need.created_by"])
def needs(person: Person) -> list[Row]:
    return [
        {
            "titre": need.title,
            "acheteur": need.buyer.name,
            "type": need.get_kind_display(),
            "etat": need.get_status_display(),
            "cree_le": need.created_at,
            "publie_le": need.published_at,
        }
        for need in Need.objects.filter(created_by=person).select_related("buyer").order_by("created_at")
    ]


@personal_data.export("sourcing.answers", "Réponses aux besoins", covers=["sourcing.NeedAnswer.author"])
def answers(person: Person) -> list[Row]:
    found = NeedAnswer.objects.filter(author=person).select_related("need", "organisation")
    return [
        {
            "besoin": answer.need.title,
            "fournisseur": answer.organisation.name,
            "reponse": answer.get_kind_display(),
            "message": answer.message,
            "reponses_aux_questions": answer.answers,
            "raison": answer.reason,
            "piece_jointe": answer.attachment_name,
            "date": answer.created_at,
        }
        for answer in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "sourcing.question_replies",
    "Réponses publiées aux questions des fournisseurs",
    covers=["sourcing.NeedAnswer.replied_by"],
)
def question_replies(person: Person) -> list[Row]:
    found = NeedAnswer.objects.filter(replied_by=person).select_related("need")
    return [
        {"besoin": q.need.title, "question": q.message, "reponse": q.reply, "date": q.replied_at}
        for q in found.order_by("replied_at", "id")
    ]


@personal_data.export(
    "sourcing.forecast_interests",
    "Intérêts marqués pour des prévisions d'achat",
    covers=["sourcing.ForecastInterest.author"],
)
def forecast_interests(person: Person) -> list[Row]:
    found = ForecastInterest.objects.filter(author=person).select_related("forecast", "organisation")
    return [
        {
            "prevision": interest.forecast.title,
            "fournisseur": interest.organisation.name,
            "message": interest.message,
            "capacite": interest.capacity,
            "date": interest.created_at,
        }
        for interest in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "sourcing.forecasts", "Prévisions d'achat saisies", covers=["sourcing.PurchaseForecast.created_by"]
)
def forecasts(person: Person) -> list[Row]:
    found = PurchaseForecast.objects.filter(created_by=person).select_related("buyer")
    return [
        {
            "objet": forecast.title,
            "acheteur": forecast.buyer.name,
            "annee": forecast.year,
            "trimestre": forecast.quarter,
            "cree_le": forecast.created_at,
        }
        for forecast in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "sourcing.forecast_imports", "Imports de plans d'achat", covers=["sourcing.ForecastImport.created_by"]
)
def forecast_imports(person: Person) -> list[Row]:
    found = ForecastImport.objects.filter(created_by=person).select_related("buyer")
    return [
        {
            "fichier": done.filename,
            "acheteur": done.buyer.name,
            "enregistre": done.committed,
            "date": done.created_at,
        }
        for done in found.order_by("created_at", "id")
    ]


@personal_data.export(
    "sourcing.collaborations",
    "Collaborations saisies, et marchés qui les ont suivies confirmés",
    covers=["sourcing.Collaboration.created_by", "sourcing.Collaboration.contract_linked_by"],
)
def collaborations(person: Person) -> list[Row]:
    found = Collaboration.objects.filter(Q(created_by=person) | Q(contract_linked_by=person)).select_related(
        "buyer", "supplier"
    )
    return [
        {
            "acheteur": collaboration.buyer.name,
            "fournisseur": collaboration.supplier.name,
            "date": collaboration.date,
            "etat": collaboration.get_status_display(),
            "notes": collaboration.notes if collaboration.created_by_id == person.pk else "",
            "marche_confirme": collaboration.contract_id
            if collaboration.contract_linked_by_id == person.pk
            else "",
        }
        for collaboration in found.order_by("date", "id")
    ]


personal_data.processing(
    Processing(
        key="sourcing.authorship",
        order=45,
        data=(
            "Besoins, prévisions d'achat, réponses et collaborations : leur auteur au sein de "
            "l'organisation acheteuse ou fournisseuse"
        ),
        purpose="Faire connaître les besoins des acheteurs aux structures de l'ESS et suivre les réponses",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que les dossiers de l'organisation ; à la suppression de votre compte, "
            "ils restent au nom de « Personne supprimée »"
        ),
    )
)


def purge_notification_addresses(now: datetime) -> int:
    """Blank the address of need emails sent (or prepared) more than the retention period ago."""
    cutoff = now - timedelta(days=personal_data.retention_days("email_log"))
    old = Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, created_at__lt=cutoff)
    return NeedNotification.objects.filter(old).exclude(email="").update(email="")


personal_data.processing(
    Processing(
        key="sourcing.notification_emails",
        order=46,
        data="Envois des besoins : adresse électronique à laquelle chaque besoin a été envoyé, date d'envoi",
        purpose="Ne pas envoyer deux fois un besoin et mesurer l'intérêt des structures (ouvertures, réponses)",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            f"L'adresse : {personal_data.retention_label('email_log')} après l'envoi ; "
            "l'envoi reste compté sans elle"
        ),
        purge=purge_notification_addresses,
    )
)

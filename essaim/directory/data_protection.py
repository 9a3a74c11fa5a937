"""What the directory holds about a person (see essaim.core.personal_data): their requests to manage a
structure's profile and their reports of profiles, and those they decided. Pending ones go with the
account; decided ones stay in the structure's history, under the pseudonym."""

from __future__ import annotations

from essaim.core import personal_data
from essaim.core.personal_data import Former, Person, Processing, Row

from .models import ClaimRequest, ProfileReport


def _claim_row(claim: ClaimRequest) -> Row:
    return {
        "structure": claim.structure.name,
        "message": claim.message,
        "etat": claim.get_status_display(),
        "demandee_le": claim.created_at,
        "decidee_le": claim.decided_at,
    }


@personal_data.export(
    "directory.claims", "Demandes de rattachement à une structure", covers=["directory.ClaimRequest.user"]
)
def claims(person: Person) -> list[Row]:
    found = ClaimRequest.objects.filter(user=person).select_related("structure")
    return [_claim_row(claim) for claim in found.order_by("created_at", "id")]


@personal_data.export(
    "directory.claims_decided",
    "Demandes de rattachement que vous avez traitées",
    covers=["directory.ClaimRequest.decided_by"],
)
def claims_decided(person: Person) -> list[Row]:
    found = ClaimRequest.objects.filter(decided_by=person).select_related("structure")
    return [_claim_row(claim) for claim in found.order_by("created_at", "id")]


def _report_row(report: ProfileReport) -> Row:
    return {
        "structure": report.structure.name,
        "motif": report.get_reason_display(),
        "message": report.message,
        "etat": report.get_status_display(),
        "signale_le": report.created_at,
        "decide_le": report.decided_at,
    }


@personal_data.export(
    "directory.reports", "Signalements de fiches de l'annuaire", covers=["directory.ProfileReport.user"]
)
def reports(person: Person) -> list[Row]:
    found = ProfileReport.objects.filter(user=person).select_related("structure")
    return [_report_row(report) for report in found.order_by("created_at", "id")]


@personal_data.export(
    "directory.reports_decided",
    "Signalements de fiches que vous avez traités",
    covers=["directory.ProfileReport.decided_by"],
)
def reports_decided(person: Person) -> list[Row]:
    found = ProfileReport.objects.filter(decided_by=person).select_related("structure")
    return [_report_row(report) for report in found.order_by("created_at", "id")]


@personal_data.eraser("directory")
def erase(person: Person, former: Former) -> None:
    ClaimRequest.objects.filter(user=person, status=ClaimRequest.Status.PENDING).delete()
    ProfileReport.objects.filter(user=person, status=ProfileReport.Status.PENDING).delete()


personal_data.processing(
    Processing(
        key="directory.claims",
        order=50,
        data="Demandes de rattachement à une structure de l'annuaire : demandeur, message, décision",
        purpose="Vérifier qui gère la fiche d'une structure",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que la fiche de la structure ; une demande en attente est supprimée avec "
            "votre compte"
        ),
    )
)
personal_data.processing(
    Processing(
        key="directory.reports",
        order=51,
        data="Signalements de fiches de l'annuaire : auteur, motif, message, décision",
        purpose="Corriger ou retirer les fiches inexactes de l'annuaire",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que la fiche de la structure ; un signalement en attente est supprimé avec "
            "votre compte"
        ),
    )
)

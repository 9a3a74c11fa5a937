"""What the directory holds about a person (see essaim.core.personal_data): their requests to manage a
structure's profile, and the requests they decided. Pending requests go with the account; decided ones
stay in the structure's history, under the pseudonym."""

from __future__ import annotations

from essaim.core import personal_data
from essaim.core.personal_data import Former, Person, Processing, Row

from .models import ClaimRequest


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


@personal_data.eraser("directory")
def erase(person: Person, former: Former) -> None:
    ClaimRequest.objects.filter(user=person, status=ClaimRequest.Status.PENDING).delete()


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

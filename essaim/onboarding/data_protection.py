"""What onboarding holds about a person (see essaim.core.personal_data): their requests to join an
organisation, and the requests they decided. Pending requests go with the account; decided ones stay in
the organisation's history, under the pseudonym."""

from __future__ import annotations

from essaim.core import personal_data
from essaim.core.personal_data import Former, Person, Processing, Row

from .models import JoinRequest


def _row(request: JoinRequest) -> Row:
    return {
        "organisation": request.organisation_name,
        "proposee": request.is_proposal,
        "message": request.message,
        "etat": request.get_status_display(),
        "demandee_le": request.created_at,
        "decidee_le": request.decided_at,
    }


@personal_data.export(
    "onboarding.join_requests",
    "Demandes d'adhésion à une organisation",
    covers=["onboarding.JoinRequest.user"],
)
def join_requests(person: Person) -> list[Row]:
    found = JoinRequest.objects.filter(user=person).select_related("organisation")
    return [_row(request) for request in found.order_by("created_at", "id")]


@personal_data.export(
    "onboarding.join_requests_decided",
    "Demandes d'adhésion que vous avez traitées",
    covers=["onboarding.JoinRequest.decided_by"],
)
def join_requests_decided(person: Person) -> list[Row]:
    found = JoinRequest.objects.filter(decided_by=person).select_related("organisation")
    return [_row(request) for request in found.order_by("created_at", "id")]


@personal_data.eraser("onboarding")
def erase(person: Person, former: Former) -> None:
    JoinRequest.objects.filter(user=person, status=JoinRequest.Status.PENDING).delete()


personal_data.processing(
    Processing(
        key="onboarding.join_requests",
        order=55,
        data="Demandes d'adhésion à une organisation : demandeur, organisation proposée, message, décision",
        purpose="Vérifier qui rejoint une organisation ou en inscrit une nouvelle",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que l'organisation ; une demande en attente est supprimée avec votre compte"
        ),
    )
)

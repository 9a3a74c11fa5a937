"""What the clauses app holds about people (see essaim.core.personal_data).

For platform users: the contracts they follow as facilitator, the monthly statements they submitted or
validated, the eligibilities they validated and the identities they read; all of them are the contracts'
records and stay under the pseudonym when the account is deleted. For participants (people without an
account): their identity, kept apart and purged by `essaim clauses_purge` (services/privacy.py).
"""

from __future__ import annotations

from django.db.models import Q

from essaim.core import personal_data
from essaim.core.personal_data import Person, Processing, Row

from .models import Contract, IdentityRead, MonthlyStatement, Participant
from .services.privacy import retention_years


@personal_data.export(
    "clauses.contracts_followed", "Marchés à clause suivis", covers=["clauses.Contract.facilitator"]
)
def contracts_followed(person: Person) -> list[Row]:
    return [
        {"reference": contract.reference, "objet": contract.title, "depuis": contract.created_at}
        for contract in Contract.objects.filter(facilitator=person).order_by("created_at", "id")
    ]


@personal_data.export(
    "clauses.statements",
    "Relevés mensuels déclarés ou validés",
    covers=["clauses.MonthlyStatement.submitted_by", "clauses.MonthlyStatement.validated_by"],
)
def statements(person: Person) -> list[Row]:
    found = MonthlyStatement.objects.filter(Q(submitted_by=person) | Q(validated_by=person)).select_related(
        "contract"
    )
    return [
        {
            "marche": statement.contract.reference,
            "mois": statement.month,
            "vous_avez": "déclaré" if statement.submitted_by_id == person.pk else "validé",
        }
        for statement in found.order_by("month", "id")
    ]


@personal_data.export(
    "clauses.eligibilities_validated",
    "Éligibilités validées",
    covers=["clauses.Participant.eligibility_validated_by"],
)
def eligibilities_validated(person: Person) -> list[Row]:
    found = Participant.objects.filter(eligibility_validated_by=person).order_by("eligibility_validated_on")
    return [
        {"participant": participant.reference, "validee_le": participant.eligibility_validated_on}
        for participant in found
    ]


@personal_data.export(
    "clauses.identity_reads", "Lectures d'identités de participants", covers=["clauses.IdentityRead.reader"]
)
def identity_reads(person: Person) -> list[Row]:
    found = IdentityRead.objects.filter(reader=person).select_related("participant")
    return [
        {
            "participant": read.participant.reference,
            "lu_le": read.read_at,
            "page": read.page,
            "donnees": read.fields,
        }
        for read in found.order_by("read_at", "id")
    ]


personal_data.processing(
    Processing(
        key="clauses.participants",
        order=90,
        data=(
            "Participants aux clauses d'insertion : identité (nom, date de naissance, coordonnées), "
            "public éligible, missions et heures ; l'identité est conservée à part et chaque lecture est "
            "journalisée"
        ),
        purpose="Suivre les heures d'insertion dues et réalisées au titre des clauses sociales des marchés",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            f"L'identité : {personal_data.duration_label(365 * retention_years())} après le dernier mois "
            "déclaré, puis supprimée ; les heures restent, sans identité, dans les totaux"
        ),
    )
)

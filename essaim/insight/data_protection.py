"""What the insight app holds about a person (see essaim.core.personal_data): who imported a buyer's spend
file. The import is the buyer's record: on account deletion it stays, under the pseudonym. The DECP store
holds no person (buyers and holders are organisations, by SIRET)."""

from __future__ import annotations

from essaim.core import personal_data
from essaim.core.personal_data import Person, Processing, Row

from .models import SpendImport


@personal_data.export(
    "insight.spend_imports", "Fichiers de dépenses importés", covers=["insight.SpendImport.created_by"]
)
def spend_imports(person: Person) -> list[Row]:
    found = SpendImport.objects.filter(created_by=person).select_related("buyer")
    return [
        {"acheteur": done.buyer.name, "annee": done.year, "fichier": done.filename, "date": done.created_at}
        for done in found.order_by("created_at", "id")
    ]


personal_data.processing(
    Processing(
        key="insight.spend_imports",
        order=47,
        data="Imports des fichiers de dépenses des acheteurs : la personne qui a importé le fichier",
        purpose="Calculer la part des achats d'un acheteur auprès de l'ESS et des structures inclusives",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            "Aussi longtemps que l'import de l'année (remplacé par le suivant) ; à la suppression de votre "
            "compte, il reste au nom de « Personne supprimée »"
        ),
    )
)

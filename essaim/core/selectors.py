"""Key figures shown on the home page. Each capability adds its own figure here."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from essaim.accounts.models import Organisation
from essaim.accounts.selectors import organisation_counts_by_kind
from essaim.territory.models import Perimeter


@dataclass(frozen=True)
class KeyFigure:
    value: int
    label: str


def home_key_figures() -> list[KeyFigure]:
    counts = organisation_counts_by_kind()
    perimeter = Perimeter.objects.filter(code=settings.ESSAIM_BRAND["territory_perimeter"]).first()
    figures = [
        KeyFigure(counts.get(Organisation.Kind.BUYER, 0), "acheteurs publics"),
        KeyFigure(counts.get(Organisation.Kind.SUPPLIER, 0), "structures de l'ESS inscrites"),
        KeyFigure(counts.get(Organisation.Kind.PARTNER, 0), "partenaires d'accompagnement"),
    ]
    if perimeter is not None:
        figures.append(KeyFigure(perimeter.communes.count(), f"communes du territoire {perimeter.name}"))
    return figures

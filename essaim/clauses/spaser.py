"""The SPASER report's « Clauses sociales d'insertion » section (registered in `apps.py` through
`essaim.insight.sections`: insight never imports this app).

For the report's buyer (its SIRET, SIREN, or the EPT and its member communes), the clauses followed on the
platform in the report's year: contracts active in the year, hours owed and done, people by category and
their pathways, with the same statistical secrecy as the dashboards (« < 5 »).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from essaim.accounts.models import Organisation
from essaim.insight.exports import ReportTable

from .figures import YearFigures, year_figures
from .models import Contract


def buyer_organisations(sirens: list[str]) -> Q:
    """The buyer organisations of these SIRENs (9 digits) and SIRETs (14), as the collaborations match them."""
    sirets = [s for s in sirens if len(s) == 14]
    return (
        Q(siren__in=[s for s in sirens if len(s) == 9])
        | Q(siret__in=sirets)
        | Q(siret="", siren__in=[s[:9] for s in sirets])
    )


@dataclass
class SpaserSection:
    year: int
    figures: YearFigures

    def tables(self) -> list[ReportTable]:
        f = self.figures
        tables = [
            ReportTable(
                "Clauses sociales d'insertion",
                ["Indicateur", "Valeur"],
                [
                    ["Marchés à clause suivis, actifs dans l'année", len(f.contracts)],
                    ["Heures d'insertion dues", f.hours_owed],
                    ["Heures travaillées déclarées dans l'année", float(f.hours_done)],
                    ["Heures de formation déclarées dans l'année", float(f.training_hours)],
                    ["Taux de réalisation", f.completion],
                    ["Personnes en insertion", f.participants],
                ],
            )
        ]
        for breakdown in (f.by_eligibility, f.exits, f.six_months):
            tables.append(
                ReportTable(
                    f"Clauses — {breakdown.title}"[:60],
                    ["Catégorie", "Personnes"],
                    [[label, shown] for _, label, shown in breakdown.rows],
                )
            )
        return tables


def section(sirens: list[str], year: int) -> SpaserSection:
    buyers = Organisation.objects.filter(buyer_organisations(sirens), kind=Organisation.Kind.BUYER)
    return SpaserSection(year, year_figures(Contract.objects.filter(buyer__in=buyers), year))

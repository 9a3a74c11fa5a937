"""The figures of a set of contracts for a year: the dashboards (buyer, holder, facilitator's portfolio,
territory), their exports, `essaim clauses_summary` and the SPASER report's section. Reads only.

Rules (docs/clauses.md, « Tableaux de bord »):
- a contract is **active in the year** when it starts on or before 31 December and ends on or after 1 January;
  its hours owed count whole in every year it is active;
- **hours done** are the worked hours declared for the months of the year on those contracts; training hours
  are summed apart; completion = hours done ÷ hours owed, 4 decimals (0 when nothing is owed);
- **participants** are the distinct people with hours (worked or training) in the year: shown even under 5
  (one figure for the whole); every breakdown of people goes through `secrecy.protect` (« < 5 »);
- **pathways** are those of the missions that ended in the year (the cohort of the year's exits): the
  situation at exit, and six months later (« pas encore connue » until it is recorded).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from essaim.accounts.models import Organisation

from .models import Contract, Declaration, Eligibility, Mission, Modality, Participant, Sex, Situation
from .progress import AGE_BANDS, age_band, completion
from .secrecy import Masked, protect

ZERO = Decimal(0)
NOT_GIVEN = "non-renseigne"
NOT_YET = "pas-encore-connue"


def number(value: Decimal | int | float) -> int | float:
    """A figure for JSON and spreadsheets: an int when whole, else a float with 2 decimals."""
    as_decimal = Decimal(str(value))
    if as_decimal == as_decimal.to_integral_value():
        return int(as_decimal)
    return float(round(as_decimal, 2))


def active_in(contracts: QuerySet[Contract], year: int) -> QuerySet[Contract]:
    return contracts.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))


def buyer_contracts(siret: str) -> QuerySet[Contract]:
    """Contracts of the buyer organisations of a SIRET (or of its SIREN when they have no SIRET of their own)."""
    buyers = Organisation.objects.filter(Q(siret=siret) | Q(siret="", siren=siret[:9]))
    return Contract.objects.filter(buyer__in=buyers)


@dataclass(frozen=True)
class Breakdown:
    """A breakdown of people: (slug, label, count shown) with « < 5 » where secrecy requires it."""

    title: str
    rows: list[tuple[str, str, Masked]]

    def as_dict(self) -> dict[str, Masked]:
        return {slug: shown for slug, _, shown in self.rows}


def _breakdown(title: str, labels: list[tuple[str, str]], counts: Counter[str]) -> Breakdown:
    shown = protect({slug: counts.get(slug, 0) for slug, _ in labels})
    return Breakdown(title, [(slug, label, shown[slug]) for slug, label in labels])


@dataclass
class ContractLine:
    contract: Contract
    hours_done: Decimal
    training_hours: Decimal

    @property
    def completion(self) -> float:
        return completion(self.hours_done, self.contract.hours_owed)


@dataclass
class YearFigures:
    year: int
    contracts: list[ContractLine]
    hours_owed: int
    hours_done: Decimal
    training_hours: Decimal
    participants: int
    by_eligibility: Breakdown
    by_sex: Breakdown
    by_age: Breakdown
    by_qpv: Breakdown
    by_modality_people: Breakdown
    hours_by_modality: list[tuple[str, str, Decimal]]
    exits: Breakdown
    six_months: Breakdown
    hours_by_month: list[tuple[date, Decimal, Decimal]] = field(default_factory=list)

    @property
    def completion(self) -> float:
        return completion(self.hours_done, self.hours_owed)

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_eligibility, self.by_sex, self.by_age, self.by_qpv, self.by_modality_people]

    def summary(self) -> dict[str, Any]:
        """The JSON of `essaim clauses_summary` (keys and rules in the issue and docs/clauses.md)."""
        return {
            "contracts": len(self.contracts),
            "hours_owed": self.hours_owed,
            "hours_done": number(self.hours_done),
            "training_hours": number(self.training_hours),
            "completion": self.completion,
            "participants": self.participants,
            "by_eligibility": self.by_eligibility.as_dict(),
            "by_modality": {slug: number(hours) for slug, _, hours in self.hours_by_modality},
        }


def year_figures(contracts: QuerySet[Contract], year: int) -> YearFigures:
    """Every figure of `contracts` active in `year` (a handful of grouped queries, whatever their number)."""
    active = list(active_in(contracts, year).select_related("buyer", "holder").order_by("reference"))
    ids = [c.pk for c in active]
    declarations = Declaration.objects.filter(mission__contract_id__in=ids, month__year=year)
    per_contract: dict[int, tuple[Decimal, Decimal]] = {
        row["mission__contract_id"]: (row["h"] or ZERO, row["t"] or ZERO)
        for row in declarations.values("mission__contract_id").annotate(
            h=Sum("hours"), t=Sum("training_hours")
        )
    }
    lines = [
        ContractLine(
            contract=c,
            hours_done=per_contract.get(c.pk, (ZERO, ZERO))[0],
            training_hours=per_contract.get(c.pk, (ZERO, ZERO))[1],
        )
        for c in active
    ]
    by_modality_hours = {
        row["mission__modality"]: row["h"] or ZERO
        for row in declarations.values("mission__modality").annotate(h=Sum("hours"))
    }
    months = {
        row["month"]: (row["h"] or ZERO, row["t"] or ZERO)
        for row in declarations.values("month").annotate(h=Sum("hours"), t=Sum("training_hours"))
    }
    with_hours = declarations.filter(Q(hours__gt=0) | Q(training_hours__gt=0))
    people = list(
        Participant.objects.filter(pk__in=with_hours.values("mission__participant_id")).only(
            "eligibility", "sex", "birth_year", "qpv"
        )
    )
    modality_people: dict[str, set[int]] = defaultdict(set)
    for participant_id, modality in with_hours.values_list("mission__participant_id", "mission__modality"):
        modality_people[modality].add(participant_id)
    ended = Mission.objects.filter(contract_id__in=ids, ended_on__year=year)
    exits = Counter(situation or NOT_GIVEN for situation in ended.values_list("exit_situation", flat=True))
    six = Counter(situation or NOT_YET for situation in ended.values_list("six_months_situation", flat=True))
    situations = list(Situation.choices)
    return YearFigures(
        year=year,
        contracts=lines,
        hours_owed=sum(c.hours_owed for c in active),
        hours_done=sum((line.hours_done for line in lines), ZERO),
        training_hours=sum((line.training_hours for line in lines), ZERO),
        participants=len(people),
        by_eligibility=_breakdown(
            "Participants par public éligible",
            [*Eligibility.choices],
            Counter(p.eligibility for p in people if p.eligibility),
        ),
        by_sex=_breakdown(
            "Participants par sexe",
            [*Sex.choices, (NOT_GIVEN, "Non renseigné")],
            Counter(p.sex or NOT_GIVEN for p in people),
        ),
        by_age=_breakdown(
            f"Participants par âge atteint en {year}",
            list(AGE_BANDS),
            Counter(age_band(p.birth_year, year) for p in people),
        ),
        by_qpv=_breakdown(
            "Participants résidant en quartier prioritaire (QPV)",
            [("oui", "Réside en QPV"), ("non", "Ne réside pas en QPV"), (NOT_GIVEN, "Non renseigné")],
            Counter(NOT_GIVEN if p.qpv is None else ("oui" if p.qpv else "non") for p in people),
        ),
        by_modality_people=_breakdown(
            "Participants par modalité de réalisation",
            [*Modality.choices],
            Counter({slug: len(ids_) for slug, ids_ in modality_people.items()}),
        ),
        hours_by_modality=[
            (slug, label, by_modality_hours.get(slug, ZERO)) for slug, label in Modality.choices
        ],
        exits=_breakdown(
            f"Situation à la sortie des missions terminées en {year}",
            [*situations, (NOT_GIVEN, "Non renseignée")],
            exits,
        ),
        six_months=_breakdown(
            f"Situation six mois après la sortie (missions terminées en {year})",
            [*situations, (NOT_YET, "Pas encore connue")],
            six,
        ),
        hours_by_month=[(month, *months.get(month, (ZERO, ZERO))) for month in _months_of(year)],
    )


def _months_of(year: int) -> list[date]:
    return [date(year, month, 1) for month in range(1, 13)]

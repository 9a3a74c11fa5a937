"""Reservation advisor: may this purchase be reserved, put in a reserved lot, or carry an insertion clause?

Pure and typed (no Django). The caller lists the structures able to answer in the need's place and
sector, with the reservations they qualify for and their capacity; `advise` returns one recommendation in
plain French with the reasoning, sentence by sentence. The rules (documented in docs/sourcing.md):

1. Capacity of a structure for one year of the contract: its revenue band's lower bound (at least 50 k€ for
   the smallest band), or 40 k€ per worker when only the headcount is known; unknown when neither is known.
   A structure "can carry" the purchase when its capacity is at least the yearly amount.
2. **Full reservation** under an article when at least `FULL_RESERVATION_MIN` (3) eligible structures can
   carry it: enough competition for a real tender. Articles are tried in this order: L2113-13 (SIAE),
   L2113-12 (EA, ESAT), then both combined (L2113-14), then L2113-15 when the purchase is one of the
   social, cultural or health services the article covers, lasts at most three years and the buyer has not
   awarded it under L2113-15 in the last three years.
3. **Reserved lot** when at least `RESERVED_LOT_MIN` (1) eligible structure exists but too few can carry the
   whole: a lot sized for them, the rest with an insertion clause.
4. **Insertion clause** (L2112-2) otherwise, from `CLAUSE_MIN_AMOUNT` (40 k€ HT) and a labour share above 0:
   hours = amount × labour share × insertion rate ÷ hourly cost (defaults 50 %, 5 %, 30 €; all editable).
5. **None** below that amount with nobody eligible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ARTICLES: dict[str, str] = {
    "L2113-12": "marché réservé aux entreprises adaptées et ESAT (article L2113-12)",
    "L2113-13": "marché réservé aux structures d'insertion par l'activité économique (article L2113-13)",
    "L2113-14": "marché réservé aux EA, ESAT et SIAE ensemble (article L2113-14)",
    "L2113-15": "marché réservé aux entreprises de l'ESS (article L2113-15)",
}
FULL_RESERVATION_MIN = 3
RESERVED_LOT_MIN = 1
CLAUSE_MIN_AMOUNT = 40_000.0
L2113_15_MAX_MONTHS = 36
CAPACITY_PER_WORKER = 40_000.0
# Yearly amount a structure of each revenue band can take on (the band's lower bound; 50 k€ for the first).
REVENUE_CAPACITY: dict[str, float] = {
    "lt-100k": 50_000.0,
    "100k-500k": 100_000.0,
    "500k-2m": 500_000.0,
    "2m-10m": 2_000_000.0,
    "gte-10m": 10_000_000.0,
}
MAX_NAMES = 5


@dataclass(frozen=True)
class AbleStructure:
    """A structure able to answer (right sector, works in the place) and what it qualifies for."""

    name: str
    reservations: frozenset[str] = frozenset()  # among "L2113-12", "L2113-13", "L2113-15"
    headcount: int | None = None
    revenue_band: str = ""

    @property
    def capacity(self) -> float | None:
        if self.revenue_band in REVENUE_CAPACITY:
            return REVENUE_CAPACITY[self.revenue_band]
        if self.headcount:
            return self.headcount * CAPACITY_PER_WORKER
        return None


@dataclass(frozen=True)
class Purchase:
    amount: float  # € HT, whole duration
    duration_months: int = 12
    labour_share: float = 0.5
    insertion_rate: float = 0.05
    hourly_cost: float = 30.0
    l2113_15_service: bool = False  # a social, cultural or health service covered by L2113-15
    l2113_15_awarded_recently: bool = False  # awarded under L2113-15 in the last three years

    @property
    def yearly_amount(self) -> float:
        return self.amount * 12 / max(1, self.duration_months)


@dataclass
class Recommendation:
    kind: str  # "reservation", "lot-reserve", "clause", "aucune"
    article: str | None
    summary: str
    reasoning: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    capable_counts: dict[str, int] = field(default_factory=dict)
    structures: dict[str, list[str]] = field(default_factory=dict)
    insertion_hours: int | None = None


Number = float | int | Decimal


def insertion_hours(
    amount: Number, labour_share: Number = 0.5, rate: Number = 0.05, hourly_cost: Number = 30.0
) -> int:
    """Hours of insertion a clause should require: amount × labour share × rate ÷ hourly cost, rounded to
    the nearest hour (halves up). Computed in decimal arithmetic on the figures as written (0.05, not the
    binary float nearest to it), so that a result of exactly 30.5 hours gives 31 whatever the inputs' type.
    Also the hours owed of a followed clause (`essaim.clauses`)."""
    exact = [Decimal(str(value)) for value in (amount, labour_share, rate, hourly_cost)]
    if exact[3] <= 0:
        raise ValueError("Le coût horaire doit être positif.")
    hours = exact[0] * exact[1] * exact[2] / exact[3]
    return int(hours.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _euros(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ") + " €"


def _names(structures: list[AbleStructure]) -> str:
    names = sorted(s.name for s in structures)
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" et {len(names) - MAX_NAMES} autre(s)" if len(names) > MAX_NAMES else "")


def _eligible(structures: tuple[AbleStructure, ...], article: str) -> list[AbleStructure]:
    if article == "L2113-14":
        return [s for s in structures if s.reservations & {"L2113-12", "L2113-13"}]
    return [s for s in structures if article in s.reservations]


def advise(purchase: Purchase, structures: tuple[AbleStructure, ...] | list[AbleStructure]) -> Recommendation:
    """The recommendation for a purchase given the structures able to answer it."""
    structures = tuple(structures)
    yearly = purchase.yearly_amount
    eligible = {article: _eligible(structures, article) for article in ARTICLES}
    capable = {a: [s for s in found if (s.capacity or 0) >= yearly] for a, found in eligible.items()}
    hours = (
        insertion_hours(purchase.amount, purchase.labour_share, purchase.insertion_rate, purchase.hourly_cost)
        if purchase.amount >= CLAUSE_MIN_AMOUNT and purchase.labour_share > 0
        else None
    )
    reasoning = [
        f"Montant estimé : {_euros(purchase.amount)} HT sur {purchase.duration_months} mois, soit {_euros(yearly)} par an."
    ]
    for article in ("L2113-13", "L2113-12", "L2113-15"):
        found = eligible[article]
        if found:
            reasoning.append(
                f"{len(found)} structure(s) éligible(s) au {ARTICLES[article]} dans le lieu et le secteur : "
                f"{_names(found)} ; {len(capable[article])} peu(ven)t porter {_euros(yearly)} par an."
            )
        else:
            reasoning.append(f"Aucune structure éligible au {ARTICLES[article]} dans le lieu et le secteur.")
    l2113_15_open = purchase.l2113_15_service and not purchase.l2113_15_awarded_recently
    if purchase.l2113_15_service and purchase.duration_months > L2113_15_MAX_MONTHS:
        l2113_15_open = False
        reasoning.append("L2113-15 exclu : un marché réservé à ce titre dure au plus trois ans.")
    elif purchase.l2113_15_awarded_recently:
        reasoning.append(
            "L2113-15 exclu : le même marché a déjà été attribué à ce titre il y a moins de trois ans."
        )
    elif not purchase.l2113_15_service:
        reasoning.append(
            "L2113-15 non applicable : il ne couvre que certains services sociaux, culturels et de santé."
        )
    order = ["L2113-13", "L2113-12", "L2113-14"] + (["L2113-15"] if l2113_15_open else [])

    def recommend(kind: str, article: str | None, summary: str, with_hours: bool = False) -> Recommendation:
        return Recommendation(
            kind=kind,
            article=article,
            summary=summary,
            reasoning=reasoning,
            counts={a: len(found) for a, found in eligible.items()},
            capable_counts={a: len(found) for a, found in capable.items()},
            structures={a: sorted(s.name for s in found) for a, found in eligible.items()},
            insertion_hours=hours if with_hours else None,
        )

    for article in order:
        if len(capable[article]) >= FULL_RESERVATION_MIN:
            reasoning.append(
                f"Au moins {FULL_RESERVATION_MIN} structures éligibles peuvent porter l'ensemble du marché : "
                f"la concurrence est suffisante pour le réserver."
            )
            if article == "L2113-15":
                reasoning.append(
                    "Le marché réservé L2113-15 dure au plus trois ans et ne peut être attribué à nouveau "
                    "à ce titre au même opérateur avant trois ans."
                )
            return recommend("reservation", article, f"Réserver le marché : {ARTICLES[article]}.")
    for article in order:
        if len(eligible[article]) >= RESERVED_LOT_MIN:
            reasoning.append(
                f"Trop peu de structures éligibles peuvent porter l'ensemble (moins de {FULL_RESERVATION_MIN}) : "
                f"un lot réservé, dimensionné pour elles, leur laisse une place."
            )
            if hours is not None:
                reasoning.append(
                    f"Sur les autres lots, une clause d'insertion (article L2112-2) de {hours} heures "
                    f"({_euros(purchase.amount)} × {purchase.labour_share:.0%} de main-d'œuvre × "
                    f"{purchase.insertion_rate:.0%} ÷ {_euros(purchase.hourly_cost)} de l'heure, "
                    "à proratiser selon le montant des lots)."
                )
            return recommend("lot-reserve", article, f"Prévoir un lot réservé : {ARTICLES[article]}.", True)
    if hours is not None:
        reasoning.append(
            f"Aucune structure ne peut recevoir un marché réservé : une clause d'insertion (article L2112-2) "
            f"de {hours} heures ({_euros(purchase.amount)} × {purchase.labour_share:.0%} de main-d'œuvre × "
            f"{purchase.insertion_rate:.0%} ÷ {_euros(purchase.hourly_cost)} de l'heure) ouvre le marché "
            "aux personnes éloignées de l'emploi."
        )
        summary = f"Ajouter une clause d'insertion (article L2112-2) de {hours} heures."
        return recommend("clause", "L2112-2", summary, True)
    reasoning.append(
        f"Aucune structure éligible et un montant sous {_euros(CLAUSE_MIN_AMOUNT)} HT (ou sans main-d'œuvre) : "
        "une clause d'insertion demanderait trop peu d'heures pour être suivie."
    )
    return recommend("aucune", None, "Ni réservation ni clause d'insertion recommandée.")

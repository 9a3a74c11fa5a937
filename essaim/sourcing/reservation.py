"""Reservation advisor: may this purchase be reserved, put in a reserved lot, or carry an insertion clause?

Pure and typed (no Django). The caller lists the structures able to answer in the need's place and
sector, with the reservations they qualify for and their capacity; `advise` returns one recommendation in
plain French with the reasoning, sentence by sentence. The rules (documented in docs/sourcing.md):

0. The amount: the buyer's estimate, or an amount band (`Need.AmountBand`) turned into amounts by
   `band_amounts` — the band's upper bound for every threshold (capacities, the clause's 40 k€), its
   middle for estimates (the insertion hours, the amount shown).
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

from essaim.core.french import counted, plural

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
class AmountBand:
    """An amount band of needs and forecasts (`Need.AmountBand`): from `floor` (included) to `ceiling`
    (excluded; None for the open top band), € HT over the whole duration."""

    code: str
    floor: float
    ceiling: float | None


AMOUNT_BANDS: dict[str, AmountBand] = {
    band.code: band
    for band in (
        AmountBand("lt-40k", 0.0, 40_000.0),
        AmountBand("40k-90k", 40_000.0, 90_000.0),
        AmountBand("90k-221k", 90_000.0, 221_000.0),
        AmountBand("221k-1m", 221_000.0, 1_000_000.0),
        AmountBand("gte-1m", 1_000_000.0, None),
    )
}
OPEN_BAND_ESTIMATE = 1.5  # the open top band's estimate: 1.5 × its floor


@dataclass(frozen=True)
class BandAmounts:
    threshold: float  # compared with every threshold (capacities, the clause's 40 k€): the band's upper bound
    estimate: float  # the amount of estimates (insertion hours, the amount shown): the band's middle


def band_amounts(code: str) -> BandAmounts:
    """The amounts a band stands for, the one conversion used wherever a band is (reservation advice of
    needs and forecasts, renewals). For thresholds, the band's upper bound: its largest amount to the cent
    (89 999,99 € for 40k–90k, so that "less than 40 000 €" never reaches the clause's 40 000 €), or the
    floor of the open top band (1 M€: every threshold below it is reached). For estimates, its middle
    (65 000 € for 40k–90k; 1.5 M€ for the open top band). An unknown code raises `KeyError`."""
    band = AMOUNT_BANDS[code]
    if band.ceiling is None:
        return BandAmounts(threshold=band.floor, estimate=band.floor * OPEN_BAND_ESTIMATE)
    return BandAmounts(threshold=band.ceiling - 0.01, estimate=(band.floor + band.ceiling) / 2)


def band_for_amount(amount: float) -> str:
    """The band an amount in € HT falls in (the other way round): 40 000 € is in 40k–90k."""
    found = next(iter(AMOUNT_BANDS))
    for code, band in AMOUNT_BANDS.items():
        if amount >= band.floor:
            found = code
    return found


@dataclass(frozen=True)
class Purchase:
    amount: float | None = None  # € HT, whole duration: the buyer's estimate when there is one…
    duration_months: int = 12
    labour_share: float = 0.5
    insertion_rate: float = 0.05
    hourly_cost: float = 30.0
    l2113_15_service: bool = False  # a social, cultural or health service covered by L2113-15
    l2113_15_awarded_recently: bool = False  # awarded under L2113-15 in the last three years
    band: str = ""  # …else its amount band (`AMOUNT_BANDS`)

    @property
    def known(self) -> bool:
        return self.amount is not None or self.band in AMOUNT_BANDS

    @property
    def estimate(self) -> float:
        """The amount of estimates (hours, what is shown): the amount, else the band's middle, else 0."""
        if self.amount is not None:
            return self.amount
        return band_amounts(self.band).estimate if self.band in AMOUNT_BANDS else 0.0

    @property
    def threshold_amount(self) -> float:
        """The amount compared with thresholds: the amount, else the band's upper bound, else 0."""
        if self.amount is not None:
            return self.amount
        return band_amounts(self.band).threshold if self.band in AMOUNT_BANDS else 0.0

    def yearly(self, amount: float) -> float:
        return amount * 12 / max(1, self.duration_months)

    @property
    def yearly_amount(self) -> float:
        """The yearly amount compared with the structures' capacities."""
        return self.yearly(self.threshold_amount)


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


def _amount_sentence(purchase: Purchase) -> str:
    months = f"sur {purchase.duration_months} mois"
    if purchase.amount is not None:
        return f"Montant estimé : {_euros(purchase.amount)} HT {months}, soit {_euros(purchase.yearly_amount)} par an."
    if purchase.band in AMOUNT_BANDS:
        band = AMOUNT_BANDS[purchase.band]
        amounts = band_amounts(band.code)
        if band.ceiling is None:
            span = f"plus de {_euros(band.floor)} HT"
            rule = f"les seuils sont appréciés sur son plancher ({_euros(amounts.threshold)})"
            return (
                f"Montant : tranche {span} {months} ; {rule}, le montant estimé est "
                f"{_euros(amounts.estimate)} HT."
            )
        else:
            span = (
                f"de {_euros(band.floor)} à {_euros(band.ceiling)} HT"
                if band.floor
                else f"moins de {_euros(band.ceiling)} HT"
            )
            rule = f"les seuils sont appréciés sur son haut ({_euros(band.ceiling)})"
            if purchase.duration_months != 12:
                rule += f", soit {_euros(purchase.yearly_amount)} par an"
        return f"Montant : tranche {span} {months} ; {rule}, le montant estimé est son milieu ({_euros(amounts.estimate)} HT)."
    return (
        "Montant non précisé : les seuils ne peuvent pas être appréciés (indiquez un montant estimé ou une "
        "tranche de montant)."
    )


def _names(structures: list[AbleStructure]) -> str:
    names = sorted(s.name for s in structures)
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f" et {counted(len(names) - MAX_NAMES, 'autre')}" if len(names) > MAX_NAMES else "")


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
    estimate = purchase.estimate
    hours = (
        insertion_hours(estimate, purchase.labour_share, purchase.insertion_rate, purchase.hourly_cost)
        if purchase.threshold_amount >= CLAUSE_MIN_AMOUNT and purchase.labour_share > 0
        else None
    )
    reasoning = [_amount_sentence(purchase)]
    for article in ("L2113-13", "L2113-12", "L2113-15"):
        found = eligible[article]
        if found:
            able = len(capable[article])
            reasoning.append(
                f"{counted(len(found), 'structure')} éligible{plural(len(found))} au "
                f"{ARTICLES[article]} dans le lieu et le secteur : {_names(found)} ; "
                f"{counted(able, 'peut', 'peuvent') if able else 'aucune ne peut'} porter {_euros(yearly)} par an."
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
                    f"({_euros(estimate)} × {purchase.labour_share:.0%} de main-d'œuvre × "
                    f"{purchase.insertion_rate:.0%} ÷ {_euros(purchase.hourly_cost)} de l'heure, "
                    "à proratiser selon le montant des lots)."
                )
            return recommend("lot-reserve", article, f"Prévoir un lot réservé : {ARTICLES[article]}.", True)
    if hours is not None:
        reasoning.append(
            f"Aucune structure ne peut recevoir un marché réservé : une clause d'insertion (article L2112-2) "
            f"de {hours} heures ({_euros(estimate)} × {purchase.labour_share:.0%} de main-d'œuvre × "
            f"{purchase.insertion_rate:.0%} ÷ {_euros(purchase.hourly_cost)} de l'heure) ouvre le marché "
            "aux personnes éloignées de l'emploi."
        )
        summary = f"Ajouter une clause d'insertion (article L2112-2) de {hours} heures."
        return recommend("clause", "L2112-2", summary, True)
    if not purchase.known:
        reasoning.append(
            "Aucune structure éligible, et sans montant ni tranche de montant la clause d'insertion ne peut "
            "être calculée : indiquez le montant estimé."
        )
    else:
        reasoning.append(
            f"Aucune structure éligible et un montant sous {_euros(CLAUSE_MIN_AMOUNT)} HT (ou sans main-d'œuvre) : "
            "une clause d'insertion demanderait trop peu d'heures pour être suivie."
        )
    return recommend("aucune", None, "Ni réservation ni clause d'insertion recommandée.")

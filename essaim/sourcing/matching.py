"""Ranking of the structures that can answer a need, with reasons in plain French. Imports no Django.

`rank(need, candidates)` scores every candidate on six components, each between 0 and 1:

| component        | weight | value |
|------------------|-------:|-------|
| `sector`         |     35 | per sector of the need: 1 if the candidate works in it (in one of the second-level sectors the need names, when it names some), 0.5 in the right top-level sector but another second-level one, 0 otherwise; then 0.7 × best + 0.3 × mean over the need's sectors |
| `place`          |     20 | works in the need's commune 1, in its EPT/EPCI 0.8, département 0.6, région 0.4, national 0.25; 0.7 when the need is a perimeter and the candidate works somewhere inside it; 0 elsewhere |
| `text`           |     25 | BM25 (k1 = 1.2, b = 0.75) of the need's words in the candidate's analysed text, IDF over the candidate set, divided by its upper bound (k1 + 1) × Σ IDF of the need's words present in the set |
| `service_types`  |     10 | share of the need's service types the candidate offers (in its activities of the need's sectors when it has some) |
| `completeness`   |      5 | share of the profile filled in (computed by the caller) |
| `responsiveness` |      5 | share of past needs answered; 0.5 when the candidate was never asked |

The score is 100 × Σ weight × value ÷ Σ weight, the sums running over the criteria the need expresses (no
sector given: the sector weight is left out, and so on), so a candidate fitting everything scores 100.
When the need is reserved, candidates that are not eligible are removed before scoring (hard filter).
Order: score descending (unrounded), then name, then id: deterministic and independent of input order.

People see a score as words and stars, never as a number (`fit_level`): 70 and above "correspond très
bien" (★★★), 50 and above "correspond bien" (★★), below "correspond en partie" (★). On the 38 labelled
needs of the demo, the structures graded 3 score 76–85 (quartiles), 2 around 63, 1 around 56, and the
irrelevant ones that pass the sector and place filters around 47.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from essaim.core.french import counted
from essaim.directory.search.analysis import analyse
from essaim.directory.sector_mappings import SECTORS

WEIGHTS: dict[str, float] = {
    "sector": 35.0,
    "place": 20.0,
    "text": 25.0,
    "service_types": 10.0,
    "completeness": 5.0,
    "responsiveness": 5.0,
}

# Value of the place component by level of the narrowest place of the need the candidate works in.
PLACE_LEVELS: tuple[str, ...] = ("commune", "epci", "dep", "reg")
PLACE_VALUES: dict[str, float] = {"commune": 1.0, "epci": 0.8, "dep": 0.6, "reg": 0.4, "national": 0.25}
PLACE_INSIDE_VALUE = 0.7  # the need covers a perimeter; the candidate works in part of it
SECTOR_OTHER_SUBSECTOR = 0.5
UNKNOWN_RESPONSIVENESS = 0.5
BM25_K1 = 1.2
BM25_B = 0.75
TITLE_BOOST = 2  # words of the title count twice
MAX_SHARED_WORDS = 5
_WORD = re.compile(r"[^\W_]+")

RESERVATIONS: dict[str, str] = {
    "L2113-12": "éligible aux marchés réservés L2113-12 (EA, ESAT)",
    "L2113-13": "éligible aux marchés réservés L2113-13 (SIAE)",
    "L2113-14": "éligible aux marchés réservés L2113-14 (EA, ESAT ou SIAE)",
    "L2113-15": "éligible aux marchés réservés L2113-15 (entreprises de l'ESS)",
}
SERVICE_PHRASES: dict[str, str] = {
    "fourniture": "de la fourniture",
    "prestation": "de la prestation de service",
    "travaux": "des travaux",
    "mise-a-disposition": "de la mise à disposition de personnel",
}
SECTOR_LABELS: dict[str, str] = {slug: label for slug, (label, _keywords, _subs) in SECTORS.items()} | {
    sub: label for _label, _keywords, subs in SECTORS.values() for sub, label in subs.items()
}


@dataclass(frozen=True)
class NeedQuery:
    """What a buyer looks for.

    `sectors` maps each top-level sector slug to the second-level slugs the need names in it (empty: any).
    `place` gives the codes of the need's place by level (`commune`, `epci`, `dep`, `reg`): the commune and
    the perimeters containing it, as precomputed by the caller; `place_inside` the codes of the perimeters
    (communes) inside the need's place when the need covers a perimeter; `place_names` a name per code,
    for the reasons.
    """

    title: str
    description: str = ""
    sectors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    service_types: frozenset[str] = frozenset()
    place: Mapping[str, str] = field(default_factory=dict)
    place_inside: frozenset[str] = frozenset()
    place_names: Mapping[str, str] = field(default_factory=dict)
    reserved: str | None = None
    amount: float | None = None


@dataclass(frozen=True)
class CandidateActivity:
    sector: str  # top-level slug
    subsector: str = ""  # second-level slug, empty when the activity is filed at the top level
    service_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """A structure as the matcher sees it. `terms` counts the analysed words of its texts."""

    id: int
    name: str
    activities: tuple[CandidateActivity, ...] = ()
    perimeters: frozenset[str] = frozenset()  # codes it works in, its own commune included
    national: bool = False
    eligible_l2113_12: bool = False
    eligible_l2113_13: bool = False
    eligible_l2113_15: bool = False
    terms: Mapping[str, int] = field(default_factory=dict)
    completeness: float = 0.0
    answered: int = 0  # past needs answered…
    asked: int = 0  # …out of the needs it was told about

    @property
    def responsiveness(self) -> float | None:
        return min(1.0, self.answered / self.asked) if self.asked else None

    def eligible(self, reservation: str | None) -> bool:
        if reservation is None:
            return True
        if reservation == "L2113-12":
            return self.eligible_l2113_12
        if reservation == "L2113-13":
            return self.eligible_l2113_13
        if reservation == "L2113-14":
            return self.eligible_l2113_12 or self.eligible_l2113_13
        if reservation == "L2113-15":
            return self.eligible_l2113_15
        raise ValueError(f"Réservation inconnue : {reservation}")


@dataclass(frozen=True)
class FitLevel:
    stars: int  # 1 to 3
    label: str  # "très bien", "bien", "en partie": how well the structure fits, after "correspond"

    @property
    def symbols(self) -> str:
        return "★" * self.stars + "☆" * (MAX_STARS - self.stars)


FIT_LEVELS: tuple[tuple[float, FitLevel], ...] = (
    (70.0, FitLevel(3, "très bien")),
    (50.0, FitLevel(2, "bien")),
    (0.0, FitLevel(1, "en partie")),
)
MAX_STARS = 3


def fit_level(score: float) -> FitLevel:
    """The words (and stars) people see for a score of 0–100."""
    return next(level for floor, level in FIT_LEVELS if score >= floor)


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    score: float
    components: dict[str, float]
    reasons: list[str]

    @property
    def fit(self) -> FitLevel:
        return fit_level(self.score)


def text_terms(*texts: str) -> dict[str, int]:
    """The analysed words of texts with their counts: what `Candidate.terms` holds."""
    return dict(Counter(term for text in texts for term in analyse(text)))


@dataclass(frozen=True)
class _TextModel:
    weights: dict[str, float]  # query term -> idf × query weight (terms present in the candidate set)
    total: float
    average_length: float
    surface: dict[str, str]  # query term -> the word as the buyer typed it


def need_terms(need: NeedQuery) -> tuple[Counter[str], dict[str, str]]:
    weights: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for text, boost in ((need.title, TITLE_BOOST), (need.description, 1)):
        for word in _WORD.findall(text):
            for term in analyse(word):
                surface.setdefault(term, word.lower())
                weights[term] = max(weights[term], boost)
    return weights, surface


def _text_model(need: NeedQuery, candidates: list[Candidate]) -> _TextModel:
    query, surface = need_terms(need)
    n = len(candidates)
    frequency: Counter[str] = Counter()
    total_length = 0
    for candidate in candidates:
        total_length += sum(candidate.terms.values())
        for term in query:
            if term in candidate.terms:
                frequency[term] += 1
    weights = {
        term: boost * math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
        for term, boost in query.items()
        if frequency[term]
    }
    return _TextModel(weights, sum(weights.values()), total_length / n if n else 0.0, surface)


def _text(candidate: Candidate, model: _TextModel) -> tuple[float, list[tuple[float, str]]]:
    if not model.total:
        return 0.0, []
    length = sum(candidate.terms.values())
    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / model.average_length) if model.average_length else 0
    raw = 0.0
    shared: list[tuple[float, str]] = []
    for term, weight in model.weights.items():
        tf = candidate.terms.get(term, 0)
        if tf:
            contribution = weight * tf * (BM25_K1 + 1) / (tf + norm)
            raw += contribution
            shared.append((contribution, term))
    return min(1.0, raw / (model.total * (BM25_K1 + 1))), shared


def _sector(need: NeedQuery, candidate: Candidate) -> tuple[float, list[str]]:
    fits: list[float] = []
    matched: list[str] = []
    tops = {a.sector for a in candidate.activities}
    subs = {a.subsector for a in candidate.activities if a.subsector}
    for sector in sorted(need.sectors):
        wanted = need.sectors[sector]
        if wanted and subs & wanted:
            fits.append(1.0)
            matched.extend(sorted(subs & wanted))
        elif sector in tops:
            fits.append(SECTOR_OTHER_SUBSECTOR if wanted else 1.0)
            matched.append(sector)
        else:
            fits.append(0.0)
    if not fits:
        return 0.0, []
    return 0.7 * max(fits) + 0.3 * sum(fits) / len(fits), matched


def _place(need: NeedQuery, candidate: Candidate) -> tuple[float, str]:
    """The best place fit of the candidate and the reason saying so."""
    for level in PLACE_LEVELS:
        code = need.place.get(level)
        if code and code in candidate.perimeters and PLACE_VALUES[level] > PLACE_INSIDE_VALUE:
            return PLACE_VALUES[level], _place_reason(level, need.place_names.get(code, code))
    if need.place_inside & candidate.perimeters:
        own = next((need.place[level] for level in PLACE_LEVELS if need.place.get(level)), "")
        return PLACE_INSIDE_VALUE, f"intervient sur une partie de {need.place_names.get(own, own)}"
    for level in PLACE_LEVELS:
        code = need.place.get(level)
        if code and code in candidate.perimeters:
            return PLACE_VALUES[level], _place_reason(level, need.place_names.get(code, code))
    if candidate.national:
        return PLACE_VALUES["national"], "intervient dans toute la France"
    return 0.0, ""


def _place_reason(level: str, name: str) -> str:
    return {
        "commune": f"intervient à {name}",
        "epci": f"intervient sur le territoire {name}",
        "dep": f"intervient dans le département {name}",
        "reg": f"intervient en région {name}",
    }[level]


def _service_types(need: NeedQuery, candidate: Candidate) -> tuple[float, list[str]]:
    if not need.service_types:
        return 0.0, []
    relevant = [a for a in candidate.activities if a.sector in need.sectors] or list(candidate.activities)
    offered = {t for a in relevant for t in a.service_types} & need.service_types
    return len(offered) / len(need.service_types), sorted(offered)


def _criteria(need: NeedQuery, model: _TextModel) -> dict[str, float]:
    active = {"completeness", "responsiveness"}
    if need.sectors:
        active.add("sector")
    if need.place or need.place_inside:
        active.add("place")
    if model.total:
        active.add("text")
    if need.service_types:
        active.add("service_types")
    return {name: weight for name, weight in WEIGHTS.items() if name in active}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _score(need: NeedQuery, candidate: Candidate, model: _TextModel, weights: dict[str, float]) -> Match:
    sector, sectors = _sector(need, candidate)
    place, place_reason = _place(need, candidate)
    text, shared = _text(candidate, model)
    services, offered = _service_types(need, candidate)
    responsiveness = candidate.responsiveness
    components = {
        "sector": sector,
        "place": place,
        "text": text,
        "service_types": services,
        "completeness": max(0.0, min(1.0, candidate.completeness)),
        "responsiveness": UNKNOWN_RESPONSIVENESS if responsiveness is None else responsiveness,
    }
    components = {name: value for name, value in components.items() if name in weights}
    raw = 100 * sum(weights[name] * value for name, value in components.items()) / sum(weights.values())
    reasons: list[str] = []
    if need.reserved:
        reasons.append(RESERVATIONS[need.reserved])
    if sectors:
        reasons.append("secteur : " + ", ".join(SECTOR_LABELS.get(s, s).lower() for s in sectors))
    if place_reason:
        reasons.append(place_reason)
    if offered:
        reasons.append("propose " + _join([SERVICE_PHRASES.get(t, t) for t in offered]))
    if shared:
        words = [model.surface[term] for _c, term in sorted(shared, key=lambda s: (-s[0], s[1]))]
        reasons.append("mots en commun : " + ", ".join(words[:MAX_SHARED_WORDS]))
    if candidate.asked:
        reasons.append(f"a répondu à {counted(candidate.answered, 'besoin')} sur {candidate.asked}")
    return Match(
        id=candidate.id,
        name=candidate.name,
        score=raw,
        components=components,
        reasons=reasons,
    )


def rank(need: NeedQuery, candidates: Iterable[Candidate], limit: int | None = None) -> list[Match]:
    """The eligible candidates, best first, each with its score (0–100), components and reasons."""
    if need.reserved is not None and need.reserved not in RESERVATIONS:
        raise ValueError(f"Réservation inconnue : {need.reserved}")
    eligible = sorted((c for c in candidates if c.eligible(need.reserved)), key=lambda c: c.id)
    model = _text_model(need, eligible)
    weights = _criteria(need, model)
    # Ranked on the score as shown (two decimals): equal shown scores go by name then id, never by a
    # difference the buyer cannot see.
    matches = [
        Match(id=m.id, name=m.name, score=round(m.score, 2), components=m.components, reasons=m.reasons)
        for m in (_score(need, candidate, model, weights) for candidate in eligible)
    ]
    matches.sort(key=lambda m: (-m.score, m.name, m.id))
    return matches if limit is None else matches[: max(0, limit)]

"""The pure matcher, without a database: components, reasons, hard filter and properties."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.sourcing.matching import (
    WEIGHTS,
    Candidate,
    CandidateActivity,
    NeedQuery,
    fit_level,
    need_terms,
    rank,
    text_terms,
)

VITRY = {"commune": "94081", "epci": "epci:200058014", "dep": "dep:94", "reg": "reg:11"}
NAMES = {
    "94081": "Vitry-sur-Seine",
    "epci:200058014": "Grand-Orly Seine Bièvre",
    "dep:94": "Val-de-Marne",
    "reg:11": "Île-de-France",
}
TOYS = NeedQuery(
    title="Achat de jouets de réemploi pour les crèches",
    description="Jouets d'éveil nettoyés pour les crèches municipales.",
    sectors={"jeux-jouets": frozenset({"jouets"})},
    service_types=frozenset({"fourniture"}),
    place=VITRY,
    place_names=NAMES,
)


def structure(pk: int, name: str, **fields: object) -> Candidate:
    return Candidate(id=pk, name=name, **fields)  # type: ignore[arg-type]


REJOUE = structure(
    1,
    "Rejoué",
    activities=(CandidateActivity("jeux-jouets", "jouets", frozenset({"fourniture", "prestation"})),),
    perimeters=frozenset({"94081", "epci:200058014", "dep:94"}),
    eligible_l2113_13=True,
    eligible_l2113_15=True,
    terms=text_terms("Jouets de réemploi nettoyés pour les crèches et les centres de loisirs."),
    completeness=0.9,
    answered=3,
    asked=4,
)
ARCADE = structure(
    2,
    "Med Arcades",
    activities=(CandidateActivity("jeux-jouets", "jeux-video", frozenset({"prestation"})),),
    perimeters=frozenset({"reg:11"}),
    eligible_l2113_15=True,
    terms=text_terms("Bornes d'arcade issues du réemploi de consoles."),
    completeness=0.5,
)
GARDENS = structure(
    3,
    "Jardins de la Sellerie",
    activities=(CandidateActivity("espaces-verts", "entretien-espaces-verts", frozenset({"prestation"})),),
    perimeters=frozenset({"dep:94"}),
    eligible_l2113_12=True,
    terms=text_terms("Entretien des espaces verts, tonte, taille."),
    completeness=0.4,
)
NATIONAL = structure(
    4,
    "Jouets du Monde",
    activities=(CandidateActivity("jeux-jouets", "jouets", frozenset({"fourniture"})),),
    national=True,
    terms=text_terms("Jouets en bois."),
    completeness=0.4,
)


def test_rejoue_ranks_first_with_french_reasons() -> None:
    matches = rank(TOYS, [GARDENS, ARCADE, NATIONAL, REJOUE])
    assert [m.name for m in matches] == ["Rejoué", "Jouets du Monde", "Med Arcades", "Jardins de la Sellerie"]
    best = matches[0]
    assert best.reasons == [
        "secteur : jouets",
        "intervient à Vitry-sur-Seine",
        "propose de la fourniture",
        "mots en commun : crèches, jouets, réemploi, nettoyés",
        "a répondu à 3 besoins sur 4",
    ]  # the profile's completeness counts in the score but is never a reason (the structure is told itself)
    assert not any("profil" in reason for match in matches for reason in match.reasons)
    assert "intervient dans toute la France" in matches[1].reasons
    assert "intervient en région Île-de-France" in matches[2].reasons
    assert 0 < matches[-1].score < matches[0].score <= 100


def test_shared_words_are_shown_as_the_buyer_typed_them() -> None:
    reasons = rank(TOYS, [REJOUE])[0].reasons
    shared = next(r for r in reasons if r.startswith("mots en commun"))
    words = shared.removeprefix("mots en commun : ").split(", ")
    assert "jouets" in words and "crèches" in words
    assert "reemploi" not in words  # the surface form, accents and all


def test_place_levels_rank_commune_then_ept_then_departement_then_region_then_national() -> None:
    base = dict(activities=REJOUE.activities, terms=REJOUE.terms)
    places = [
        structure(10, "A", perimeters=frozenset({"94081"}), **base),
        structure(11, "B", perimeters=frozenset({"epci:200058014"}), **base),
        structure(12, "C", perimeters=frozenset({"dep:94"}), **base),
        structure(13, "D", perimeters=frozenset({"reg:11"}), **base),
        structure(14, "E", national=True, **base),
        structure(15, "F", perimeters=frozenset({"dep:13"}), **base),
    ]
    matches = rank(TOYS, list(reversed(places)))
    assert [m.name for m in matches] == ["A", "B", "C", "D", "E", "F"]
    assert [m.components["place"] for m in matches] == [1.0, 0.8, 0.6, 0.4, 0.25, 0.0]
    assert "intervient sur le territoire Grand-Orly Seine Bièvre" in matches[1].reasons
    assert "intervient dans le département Val-de-Marne" in matches[2].reasons


def test_a_perimeter_need_counts_candidates_working_inside_it() -> None:
    need = NeedQuery(
        title="Jouets",
        place={"epci": "epci:200058014", "reg": "reg:11"},
        place_inside=frozenset({"94081", "94041", "dep:94"}),
        place_names={"epci:200058014": "Grand-Orly Seine Bièvre"},
    )
    inside = structure(1, "Dedans", perimeters=frozenset({"94041"}))
    whole = structure(2, "Partout", perimeters=frozenset({"epci:200058014"}))
    outside = structure(3, "Ailleurs", perimeters=frozenset({"dep:13"}))
    matches = rank(need, [outside, inside, whole])
    assert [m.name for m in matches] == ["Partout", "Dedans", "Ailleurs"]
    assert "intervient sur une partie de Grand-Orly Seine Bièvre" in matches[1].reasons


def test_second_level_sector_beats_top_level_only() -> None:
    matches = rank(TOYS, [ARCADE, REJOUE])
    assert matches[0].components["sector"] == 1.0
    assert matches[1].components["sector"] == 0.5
    assert "secteur : jeux et jouets" in matches[1].reasons


@pytest.mark.parametrize(
    ("reserved", "expected"),
    [
        ("L2113-12", ["Jardins de la Sellerie"]),
        ("L2113-13", ["Rejoué"]),
        ("L2113-14", ["Rejoué", "Jardins de la Sellerie"]),
        ("L2113-15", ["Rejoué", "Med Arcades"]),
        (None, ["Rejoué", "Jouets du Monde", "Med Arcades", "Jardins de la Sellerie"]),
    ],
)
def test_reserved_needs_keep_only_eligible_structures(reserved: str | None, expected: list[str]) -> None:
    need = dataclasses.replace(TOYS, reserved=reserved)
    matches = rank(need, [GARDENS, ARCADE, NATIONAL, REJOUE])
    assert [m.name for m in matches] == expected
    if reserved == "L2113-13":
        assert matches[0].reasons[0] == "éligible aux marchés réservés L2113-13 (SIAE)"


def test_unknown_reservation_is_refused() -> None:
    with pytest.raises(ValueError, match="Réservation inconnue"):
        rank(dataclasses.replace(TOYS, reserved="L9999"), [REJOUE])


def test_a_need_without_criteria_still_ranks_by_profile() -> None:
    need = NeedQuery(title="le la les")  # only stopwords
    matches = rank(need, [GARDENS, REJOUE])
    assert set(matches[0].components) == {"completeness", "responsiveness"}
    assert matches[0].name == "Rejoué"


def test_limit_and_empty_input() -> None:
    assert rank(TOYS, []) == []
    assert [m.name for m in rank(TOYS, [GARDENS, ARCADE, REJOUE], limit=1)] == ["Rejoué"]


def test_weights_sum_to_one_hundred() -> None:
    assert sum(WEIGHTS.values()) == 100


def test_ties_are_broken_by_name_then_id() -> None:
    twins = [structure(pk, name) for pk, name in [(3, "Beta"), (2, "Alpha"), (1, "Beta")]]
    assert [(m.name, m.id) for m in rank(TOYS, twins)] == [("Alpha", 2), ("Beta", 1), ("Beta", 3)]


# --- properties --------------------------------------------------------------------------------------

TOPS = ["jeux-jouets", "espaces-verts", "alimentation"]
SUBS = {
    "jeux-jouets": ["jouets", "jeux-video"],
    "espaces-verts": ["nature-en-ville"],
    "alimentation": ["traiteur"],
}
PLACES = ["94081", "epci:200058014", "dep:94", "reg:11", "dep:13", "94041"]
TYPES = ["fourniture", "prestation", "travaux"]
WORDS = ["jouet", "creche", "reemploi", "bois", "jardin", "repas", "velo", "atelier"]


@st.composite
def activities(draw: st.DrawFn) -> CandidateActivity:
    top = draw(st.sampled_from(TOPS))
    sub = draw(st.sampled_from(["", *SUBS[top]]))
    return CandidateActivity(top, sub, frozenset(draw(st.sets(st.sampled_from(TYPES)))))


@st.composite
def candidates(draw: st.DrawFn, pk: int) -> Candidate:
    asked = draw(st.integers(0, 5))
    return Candidate(
        id=pk,
        name=draw(st.sampled_from(["Alpha", "Beta", "Gamma", "Delta"])),
        activities=tuple(draw(st.lists(activities(), max_size=3))),
        perimeters=frozenset(draw(st.sets(st.sampled_from(PLACES), max_size=3))),
        national=draw(st.booleans()),
        eligible_l2113_12=draw(st.booleans()),
        eligible_l2113_13=draw(st.booleans()),
        eligible_l2113_15=draw(st.booleans()),
        terms={w: draw(st.integers(1, 3)) for w in draw(st.sets(st.sampled_from(WORDS), max_size=5))},
        completeness=draw(st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0])),
        answered=draw(st.integers(0, asked)),
        asked=asked,
    )


@st.composite
def candidate_lists(draw: st.DrawFn) -> list[Candidate]:
    size = draw(st.integers(0, 8))
    return [draw(candidates(pk)) for pk in range(1, size + 1)]


@st.composite
def needs(draw: st.DrawFn) -> NeedQuery:
    tops = draw(st.sets(st.sampled_from(TOPS), max_size=2))
    sectors = {top: frozenset(draw(st.sets(st.sampled_from(SUBS[top]), max_size=1))) for top in tops}
    return NeedQuery(
        title=" ".join(draw(st.lists(st.sampled_from(WORDS + ["achat", "pour"]), max_size=4))),
        description=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
        sectors=sectors,
        service_types=frozenset(draw(st.sets(st.sampled_from(TYPES), max_size=2))),
        place=draw(st.sampled_from([VITRY, {}, {"dep": "dep:94", "reg": "reg:11"}])),
        place_names=NAMES,
        reserved=draw(st.sampled_from([None, "L2113-12", "L2113-13", "L2113-14", "L2113-15"])),
    )


@settings(max_examples=150, deadline=None)
@given(needs(), candidate_lists(), st.randoms(use_true_random=False))
def test_ranking_is_a_stable_permutation_of_eligible_candidates(
    need: NeedQuery, pool: list[Candidate], rnd: random.Random
) -> None:
    matches = rank(need, pool)
    eligible = [c for c in pool if c.eligible(need.reserved)]
    assert sorted(m.id for m in matches) == sorted(c.id for c in eligible)
    assert all(0 <= m.score <= 100 for m in matches)
    assert all(m.reasons for m in matches if need.reserved)
    shuffled = list(pool)
    rnd.shuffle(shuffled)
    assert rank(need, shuffled) == matches
    keys = [(-m.score, m.name, m.id) for m in matches]
    assert keys == sorted(keys)


@settings(max_examples=150, deadline=None)
@given(needs(), candidate_lists())
def test_dominance_on_components(need: NeedQuery, pool: list[Candidate]) -> None:
    matches = rank(need, pool)
    position = {m.id: i for i, m in enumerate(matches)}
    for a in matches:
        for b in matches:
            ge = all(a.components[k] >= b.components[k] for k in a.components)
            gt = any(a.components[k] > b.components[k] for k in a.components)
            if ge and gt:
                assert position[a.id] < position[b.id]


def degraded(candidate: Candidate, how: str, query_words: list[str]) -> Candidate:
    """A copy of the candidate that fits the need less well on one criterion, text length unchanged."""
    if how == "sector":
        return dataclasses.replace(
            candidate, activities=(CandidateActivity("textile", "", frozenset(TYPES)),)
        )
    if how == "place":
        return dataclasses.replace(candidate, perimeters=frozenset({"dep:13"}), national=False)
    if how == "service_types":
        return dataclasses.replace(
            candidate,
            activities=tuple(dataclasses.replace(a, service_types=frozenset()) for a in candidate.activities),
        )
    if how == "completeness":
        return dataclasses.replace(candidate, completeness=0.0)
    if how == "responsiveness":
        return dataclasses.replace(candidate, answered=0, asked=4)
    terms = dict(candidate.terms)
    removed = sum(terms.pop(w, 0) for w in query_words)
    terms["zzz"] = terms.get("zzz", 0) + removed
    return dataclasses.replace(candidate, terms=terms)


@settings(max_examples=150, deadline=None)
@given(
    needs(),
    candidate_lists(),
    st.sampled_from(["sector", "place", "service_types", "completeness", "responsiveness", "text"]),
)
def test_a_structure_fitting_more_never_ranks_below_a_weaker_copy(
    need: NeedQuery, pool: list[Candidate], how: str
) -> None:
    need = dataclasses.replace(need, reserved=None)
    strong = Candidate(
        id=1000,
        name="Zulu",  # loses every tie on name: only the score can put it first
        activities=tuple(
            CandidateActivity(top, sorted(subs)[0] if subs else "", frozenset(TYPES))
            for top, subs in need.sectors.items()
        )
        or (CandidateActivity("textile", "", frozenset(TYPES)),),
        perimeters=frozenset(need.place.values()),
        terms=text_terms(need.title, need.description),
        completeness=1.0,
        answered=4,
        asked=4,
    )
    weak = dataclasses.replace(degraded(strong, how, list(need_terms(need)[0])), id=999, name="Alpha")
    matches = rank(need, [*pool, weak, strong])
    by_id = {m.id: m for m in matches}
    lower = {k for k in by_id[999].components if by_id[1000].components[k] < by_id[999].components[k]}
    assert not lower, (how, by_id[1000], by_id[999])
    if by_id[1000].components != by_id[999].components:
        ids = [m.id for m in matches]
        assert ids.index(1000) < ids.index(999)


@pytest.mark.parametrize(
    ("score", "stars", "label"),
    [
        (100, 3, "très bien"),
        (70, 3, "très bien"),
        (69.99, 2, "bien"),
        (50, 2, "bien"),
        (49.9, 1, "en partie"),
        (0, 1, "en partie"),
    ],
)
def test_scores_are_shown_as_words_and_stars(score: float, stars: int, label: str) -> None:
    assert (fit_level(score).stars, fit_level(score).label) == (stars, label)


@given(st.floats(min_value=0, max_value=100), st.floats(min_value=0, max_value=100))
def test_a_better_score_never_reads_worse(low: float, high: float) -> None:
    low, high = sorted((low, high))
    assert fit_level(low).stars <= fit_level(high).stars

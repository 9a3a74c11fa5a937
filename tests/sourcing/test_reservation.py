"""The reservation advisor, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.sourcing.reservation import (
    AMOUNT_BANDS,
    AbleStructure,
    Purchase,
    advise,
    band_amounts,
    band_for_amount,
    insertion_hours,
)

SIAE = frozenset({"L2113-13", "L2113-15"})
EA = frozenset({"L2113-12", "L2113-15"})
ESS = frozenset({"L2113-15"})


def able(
    name: str, reservations: frozenset[str], band: str = "500k-2m", headcount: int | None = None
) -> AbleStructure:
    return AbleStructure(name=name, reservations=reservations, revenue_band=band, headcount=headcount)


def test_insertion_hours_of_the_reference_example() -> None:
    # 1 000 000 € × 50 % × 5 % ÷ 30 € ≈ 833 h
    assert insertion_hours(1_000_000, 0.5, 0.05, 30) == 833
    assert insertion_hours(1_000_000) == 833
    assert insertion_hours(200_000, labour_share=0.6, rate=0.1, hourly_cost=25) == 480
    with pytest.raises(ValueError):
        insertion_hours(1000, hourly_cost=0)


def test_clause_when_nobody_can_be_reserved_with_the_reference_example() -> None:
    advice = advise(Purchase(amount=1_000_000), [able("Coop", frozenset())])
    assert advice.kind == "clause"
    assert advice.article == "L2112-2"
    assert advice.insertion_hours == 833
    assert "833 heures" in advice.summary
    assert any("L2112-2" in sentence and "833 heures" in sentence for sentence in advice.reasoning)


def test_full_reservation_with_three_capable_siae() -> None:
    found = [able("Les Jardins d'Orly", SIAE), able("Études et Chantiers", SIAE), able("Confluences", SIAE)]
    advice = advise(Purchase(amount=250_000), found)
    assert (advice.kind, advice.article) == ("reservation", "L2113-13")
    assert advice.counts["L2113-13"] == 3
    assert advice.structures["L2113-13"] == ["Confluences", "Les Jardins d'Orly", "Études et Chantiers"]
    assert any("Confluences" in sentence for sentence in advice.reasoning)
    assert advice.insertion_hours is None


def test_too_small_structures_get_a_reserved_lot_and_a_clause_on_the_rest() -> None:
    found = [able(f"ACI {i}", SIAE, band="lt-100k") for i in range(4)]
    advice = advise(Purchase(amount=1_200_000, duration_months=24), found)
    assert (advice.kind, advice.article) == ("lot-reserve", "L2113-13")
    assert advice.capable_counts["L2113-13"] == 0
    assert advice.insertion_hours == 1000


def test_combined_reservation_when_neither_kind_suffices_alone() -> None:
    found = [able("EA 1", EA), able("EA 2", EA), able("ACI 1", SIAE)]
    assert advise(Purchase(amount=90_000), found).article == "L2113-14"


def test_capacity_from_headcount_when_revenue_is_unknown() -> None:
    found = [able(f"ESAT {i}", EA, band="", headcount=10) for i in range(3)]
    assert advise(Purchase(amount=300_000), found).kind == "reservation"  # 10 × 40 k€ ≥ 300 k€
    assert advise(Purchase(amount=500_000), found).kind == "lot-reserve"
    unknown = [able(f"X {i}", EA, band="") for i in range(3)]
    assert advise(Purchase(amount=50_000), unknown).kind == "lot-reserve"


def test_l2113_15_only_for_covered_services_within_three_years_and_not_repeated() -> None:
    found = [able(f"Asso {i}", ESS) for i in range(3)]
    assert advise(Purchase(amount=100_000), found).kind == "clause"  # not a covered service
    covered = advise(Purchase(amount=100_000, l2113_15_service=True, duration_months=36), found)
    assert (covered.kind, covered.article) == ("reservation", "L2113-15")
    assert any("trois ans" in sentence for sentence in covered.reasoning)
    too_long = advise(Purchase(amount=100_000, l2113_15_service=True, duration_months=48), found)
    assert too_long.article != "L2113-15" or too_long.kind != "reservation"
    assert any("au plus trois ans" in sentence for sentence in too_long.reasoning)
    repeated = advise(Purchase(amount=100_000, l2113_15_service=True, l2113_15_awarded_recently=True), found)
    assert repeated.kind != "reservation"
    assert any("moins de trois ans" in sentence for sentence in repeated.reasoning)


def test_nothing_for_a_small_purchase_without_eligible_structures() -> None:
    advice = advise(Purchase(amount=5_000), [])
    assert advice.kind == "aucune"
    assert advice.article is None
    assert advice.insertion_hours is None
    assert advice.reasoning[-1].startswith("Aucune structure éligible")


@given(
    st.floats(min_value=0, max_value=1e9),
    st.lists(st.sampled_from([SIAE, EA, ESS, frozenset()]), max_size=8),
    st.sampled_from(["", "lt-100k", "500k-2m", "gte-10m"]),
)
def test_advice_is_always_one_of_four_with_reasons(
    amount: float, kinds: list[frozenset[str]], band: str
) -> None:
    advice = advise(Purchase(amount=amount), [able(f"S{i}", k, band) for i, k in enumerate(kinds)])
    assert advice.kind in {"reservation", "lot-reserve", "clause", "aucune"}
    assert advice.reasoning and advice.summary
    if advice.kind == "reservation":
        assert advice.capable_counts[advice.article or ""] >= 3
    if advice.kind in {"clause", "lot-reserve"} and advice.insertion_hours is not None:
        assert advice.insertion_hours == insertion_hours(amount)


# --- amount bands: the upper bound for thresholds, the middle for estimates ----------------------------

BANDS = {  # code: (threshold, estimate)
    "lt-40k": (39_999.99, 20_000.0),
    "40k-90k": (89_999.99, 65_000.0),
    "90k-221k": (220_999.99, 155_500.0),
    "221k-1m": (999_999.99, 610_500.0),
    "gte-1m": (1_000_000.0, 1_500_000.0),
}


@pytest.mark.parametrize(("code", "expected"), sorted(BANDS.items()))
def test_every_band_turns_into_its_upper_bound_for_thresholds_and_its_middle_for_estimates(
    code: str, expected: tuple[float, float]
) -> None:
    amounts = band_amounts(code)
    assert (round(amounts.threshold, 2), amounts.estimate) == expected
    assert band_for_amount(amounts.threshold) == code  # the threshold amount stays inside its band
    assert band_for_amount(amounts.estimate) == code
    assert set(BANDS) == set(AMOUNT_BANDS)


def test_a_40_90k_need_gets_the_insertion_clause_never_a_zero_amount() -> None:
    advice = advise(Purchase(band="40k-90k"), [able("Coop", frozenset())])
    assert (advice.kind, advice.article) == ("clause", "L2112-2")
    assert advice.insertion_hours == insertion_hours(65_000) == 54  # hours on the band's middle
    assert not any(" 0 € HT" in sentence for sentence in advice.reasoning)
    assert "tranche de 40 000 € à 90 000 € HT" in advice.reasoning[0]


def test_a_band_below_40k_never_reaches_the_clause_threshold() -> None:
    advice = advise(Purchase(band="lt-40k"), [])
    assert advice.kind == "aucune" and advice.insertion_hours is None
    assert "moins de 40 000 € HT" in advice.reasoning[0]


def test_capacities_are_compared_with_the_band_upper_bound() -> None:
    # a structure of the 50 k€ capacity class carries 65 000 € (the middle) no more than 90 000 €: a lot
    small = [able(f"ACI {i}", SIAE, band="lt-100k") for i in range(3)]
    assert advise(Purchase(band="40k-90k"), small).kind == "lot-reserve"
    assert advise(Purchase(band="lt-40k"), small).kind == "reservation"


def test_without_amount_nor_band_the_advice_says_so() -> None:
    advice = advise(Purchase(), [])
    assert advice.reasoning[0].startswith("Montant non précisé")
    assert "0 €" not in " ".join(advice.reasoning)


@given(st.sampled_from(sorted(BANDS)), st.integers(min_value=1, max_value=120))
def test_band_advice_equals_the_advice_on_an_amount_for_thresholds(code: str, months: int) -> None:
    # thresholds read the upper bound: a band is advised as its largest amount would be, hours apart
    found = [able("EA", EA, band="100k-500k"), able("ACI", SIAE, band="lt-100k")]
    by_band = advise(Purchase(band=code, duration_months=months), found)
    by_amount = advise(Purchase(amount=band_amounts(code).threshold, duration_months=months), found)
    assert (by_band.kind, by_band.article) == (by_amount.kind, by_amount.article)
    if by_band.insertion_hours is not None:
        assert by_band.insertion_hours == insertion_hours(band_amounts(code).estimate)

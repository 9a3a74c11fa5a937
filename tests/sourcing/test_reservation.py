"""The reservation advisor, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.sourcing.reservation import AbleStructure, Purchase, advise, insertion_hours

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

"""What bench commands report (pure): ranking quality, latency summaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.core.benchmarks import latency_summary, ndcg


def test_ndcg_rewards_the_best_first() -> None:
    grades = {"a": 3, "b": 1}
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) < ndcg(["b", "a", "c"], grades) < 1.0
    assert ndcg([], {}) == 1.0


@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True),
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 3)),
)
def test_ndcg_is_between_zero_and_one(ranked: list[str], grades: dict[str, int]) -> None:
    assert 0.0 <= ndcg(ranked, grades) <= 1.0 + 1e-9


def test_latency_summary_gives_median_and_95th_percentile() -> None:
    summary = latency_summary([float(ms) for ms in range(1, 101)])
    assert summary == {"n": 100, "p50_ms": 50.5, "p95_ms": 95.0}
    assert latency_summary([]) == {"n": 0, "p50_ms": 0.0, "p95_ms": 0.0}

"""The search judged on the labelled queries (labelled_queries.json) over the demo directory: a quality
check on the configured database (SQLite or PostgreSQL), not a timing."""

from __future__ import annotations

import pytest

from essaim.directory.relevance import evaluate, load_labels

pytestmark = pytest.mark.django_db


def test_labelled_queries_are_many_and_varied():
    labels = load_labels()
    assert len(labels) >= 60
    assert {q["family"] for q in labels} == {"objet", "service", "lieu", "faute", "mot-absent", "long"}
    assert all(q["relevant"] and max(q["relevant"].values()) == 3 for q in labels)


def test_relevance_on_the_demo_directory_meets_its_target(demo):
    report = evaluate(load_labels())
    worst = sorted(report["per_query"], key=lambda q: q["ndcg"])[:5]
    assert report["ndcg@10"] >= 0.9, worst
    assert report["no_result_share"] == 0, [q["query"] for q in report["per_query"] if not q["top3"]]
    assert min(report["families"].values()) >= 0.85, report["families"]

"""`essaim bench_search`: the query mix looks like a query log, the report is one JSON line per run."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from django.core.management import call_command

from essaim.directory.management.commands.bench_search import FAMILIES, misspell, query_mix

pytestmark = pytest.mark.django_db


def test_the_mix_holds_misspellings_rare_and_absent_words_filters_and_long_queries(territory):
    mix = query_mix()
    families = Counter(family for family, *_rest in mix)
    assert families == Counter(FAMILIES) and len(mix) == 300
    assert families["misspelt"] / len(mix) == pytest.approx(0.1)
    queries = {family: [q for f, q, *_ in mix if f == family] for family in FAMILIES}
    assert "ressourcrie" in queries["misspelt"] and "livraison vélo cargo" in queries["rare"]
    assert all(len(q.split()) >= 6 for q in queries["long"])
    assert all(not q for q in queries["filters_only"])


def test_misspelling_changes_one_letter_and_keeps_the_first():
    rng = random.Random(3)
    for word in ["ressourcerie", "blanchisserie", "jouets"] * 30:
        typo = misspell(word, rng)
        assert typo != word and typo[0] == word[0] and abs(len(typo) - len(word)) <= 1


def test_latency_report_per_family_is_the_last_line(demo, capsys):
    call_command("bench_search", "--structures", "60", "--runs", "1", "--quiet")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["structures"] >= 60 and report["queries"] == 300
    assert set(report["families"]) == set(FAMILIES)
    assert all(f["p95_ms"] >= f["p50_ms"] > 0 for f in report["families"].values())
    assert report["loadavg"]


def test_relevance_report(demo, capsys):
    call_command("bench_search", "--relevance")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["queries"] >= 60 and report["ndcg@10"] >= 0.9 and report["no_result_share"] == 0

"""The words of the index (corrections, absent words), documents analysed again after the analysis changed,
and partial matches computed by the database agreeing with the shared logic (search/partial.py), on the
configured database."""

from __future__ import annotations

import pytest
from django.db import connection

from essaim.directory.models import SearchWord, Structure
from essaim.directory.search import get_backend
from essaim.directory.search.analysis import analyse, query_terms
from essaim.directory.search.index import query_plan
from essaim.directory.search.partial import words_matched
from essaim.directory.search.reanalyse import reanalyse_documents
from essaim.directory.selectors import search_structures
from essaim.directory.services import structure_update

from .factories import make_structure

pytestmark = pytest.mark.django_db


def test_indexing_a_structure_records_its_words(territory):
    structure = make_structure("Atelier Tapisserie", description="Réfection de fauteuils.")
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert set(analyse("Atelier Tapisserie Réfection de fauteuils")) <= words
    structure_update(actor=None, structure=structure, data={"description": "Chaises cannées."})
    assert set(analyse("Chaises cannées")) <= set(SearchWord.objects.values_list("word", flat=True))


def test_a_word_missing_from_the_word_table_still_counts_when_the_index_holds_it(territory):
    make_structure("Atelier Tapisserie", description="Réfection de fauteuils.")
    SearchWord.objects.filter(word="fauteuil").delete()  # e.g. rows written by hand, never indexed
    plan = query_plan(get_backend(), query_terms("fauteuils"))
    assert [s.words for s in plan.slots] == [("fauteuil",)] and not plan.absent


def test_documents_analysed_by_former_rules_are_brought_in_line(territory):
    # A document analysed before "théâtre" met "spectacle": its stored terms hold `theatr`.
    structure = make_structure("Compagnie du Quai", description="Décors de théâtre.")
    Structure.objects.filter(pk=structure.pk).update(search_body="decor theatr")
    SearchWord.objects.get_or_create(word="theatr", defaults={"documents": 1})
    get_backend().index([structure.pk])
    assert reanalyse_documents() == 1
    structure.refresh_from_db()
    assert structure.search_body == "decor spectacl"
    assert not SearchWord.objects.filter(word="theatr").exists()
    assert [h.name for h in search_structures("théâtre").hits] == ["Compagnie du Quai"]
    assert reanalyse_documents() == 0  # nothing left to change


@pytest.mark.parametrize(
    "query",
    [
        "location costumes théâtre",
        "jouets vélo réparation",
        "traiteur végétarien",
        "vaisselle buffet crèches",
    ],
)
def test_levels_found_by_the_database_are_the_words_each_structure_holds(demo, query):
    result = search_structures(query, page_size=100)
    assert result.match == "partial"
    plan = query_plan(get_backend(), query_terms(query))
    documents = {
        pk: (name + " " + body).split()
        for pk, name, body in Structure.objects.published().values_list("id", "search_name", "search_body")
    }
    expected = {pk for pk, words in documents.items() if words_matched(plan.ranked, words)}
    assert {h.pk for h in result.hits} == expected and result.total == len(expected)
    levels = [h.words_matched for h in result.hits]
    assert levels == [words_matched(plan.ranked, documents[h.pk]) for h in result.hits]
    assert levels == sorted(levels, reverse=True)


def test_the_backend_is_the_configured_database():
    assert get_backend().vendor == connection.vendor


def test_corrections_survive_the_word_table_being_emptied_and_refilled(territory):
    make_structure("Ressourcerie des Deux Rives", description="Objets de seconde main.")
    SearchWord.objects.all().delete()  # what a database flush does
    assert search_structures("ressourcrie").corrected == []
    get_backend().rebuild()
    result = search_structures("ressourcrie")
    assert result.corrected == ["ressourcrie"] and [h.name for h in result.hits] == [
        "Ressourcerie des Deux Rives"
    ]

"""French text analysis (pure, no database): word forms, accents, synonyms, and properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from unidecode import unidecode

from essaim.directory.search.analysis import analyse, query_terms, stems, trigram_similarity
from essaim.directory.sector_mappings import SECTORS, TOP_LEVEL_SLUGS, sector_for_cpv, sector_for_naf

FRENCH = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæ ABCÉÈ'-,.0123456789", max_size=80)


def test_word_forms_and_synonyms_meet():
    assert stems("jouet recyclé") == stems("jouets recyclés") == {"jouet", "reemploi"}
    assert stems("jouet recyclé") <= stems("Réemploi de jouets pour les crèches")


def test_stopwords_are_dropped_and_order_kept():
    assert query_terms("les jouets de la crèche et des jouets") == ["jouet", "crech"]
    assert analyse("de la et le") == []


@given(FRENCH)
def test_analysis_is_idempotent(text):
    terms = analyse(text)
    assert analyse(" ".join(terms)) == terms


@given(FRENCH)
def test_case_and_accents_do_not_matter(text):
    assert analyse(text.upper()) == analyse(text)
    assert analyse(unidecode(text)) == analyse(text)


@given(st.text(max_size=40), st.text(max_size=40))
def test_trigram_similarity_is_a_symmetric_ratio(left, right):
    score = trigram_similarity(left, right)
    assert 0.0 <= score <= 1.0
    assert score == trigram_similarity(right, left)


def test_trigram_similarity_tolerates_typos():
    assert trigram_similarity("Rejoué", "rejoeu") >= 0.3
    assert trigram_similarity("Rejoué", "Fashion Green Hub") < 0.1


def test_fifteen_shared_top_level_sectors():
    assert len(TOP_LEVEL_SLUGS) == 15
    assert "jeux-jouets" in SECTORS


def test_naf_and_cpv_mappings_use_the_longest_prefix():
    assert sector_for_naf("38.32Z") == "reemploi"
    assert sector_for_naf("3821Z") == "biodechets"
    assert sector_for_naf("81.30Z") == "espaces-verts"
    assert sector_for_naf("81.21Z") == "proprete"
    assert sector_for_naf("") is None
    assert sector_for_cpv("90911200-8") == "proprete"
    assert sector_for_cpv("77310000") == "espaces-verts"
    assert sector_for_cpv("37520000-9") == "jeux-jouets"
    assert sector_for_cpv("45000000") == "batiment-travaux"
    assert sector_for_cpv("abc") is None

"""The same search tests run on whichever database is configured (SQLite FTS5 or PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

from essaim.directory.models import Structure
from essaim.directory.selectors import PARTIAL_MESSAGE, SearchFilters, search_structures
from essaim.directory.services import ActivityInput

from .factories import make_structure

pytestmark = pytest.mark.django_db


def names(result) -> list[str]:
    return [hit.name for hit in result.hits]


@pytest.fixture
def toys(territory):
    make_structure(
        "Rejoué",
        description="Collecte et réemploi de jouets : les jouets sont nettoyés et revendus.",
        commune="94081",
        ess_families=["association"],
        inclusion_kinds=["ACI"],
        activities=[ActivityInput("jouets", ("fourniture",), ("epci:200058014",))],
    )
    make_structure(
        "La Boîte à Jeux",
        description="Vente de jouets recyclés et de jeux de société d'occasion.",
        commune="94041",
        ess_families=["cooperative-scic"],
        activities=[ActivityInput("jeux-de-societe", ("fourniture",), ("dep:94",))],
    )
    make_structure(
        "Vélo Solidaire",
        description="Réparation de vélos et ateliers d'autoréparation.",
        commune="91027",
        ess_families=["association"],
        inclusion_kinds=["AI"],
        activities=[ActivityInput("velo", ("prestation",), ("91027",))],
    )
    make_structure(
        "Atelier national",
        description="Réparation de jouets anciens partout en France.",
        commune="75056",
        ess_families=["esus"],
        inclusion_kinds=["ESAT"],
        activities=[ActivityInput("jouets", ("prestation",), ("national",))],
    )
    make_structure("Brouillon caché", description="jouets", status=Structure.Status.DRAFT)


def test_backend_is_the_configured_database():
    from essaim.directory.search import get_backend

    assert get_backend().vendor == connection.vendor


def test_french_word_forms_and_accents(toys):
    assert set(names(search_structures("jouet recyclé"))) == {"Rejoué", "La Boîte à Jeux"}
    assert set(names(search_structures("JOUETS RECYCLES"))) == {"Rejoué", "La Boîte à Jeux"}
    assert names(search_structures("velos")) == ["Vélo Solidaire"]


def test_every_word_must_match_when_some_structure_holds_them_all(toys):
    result = search_structures("jouets réparation")
    assert names(result) == ["Atelier national"]
    assert result.match == "all" and result.message == ""
    assert "Brouillon caché" not in names(search_structures("jouets"))


def test_without_a_structure_holding_every_word_those_holding_the_most_come_first(toys):
    result = search_structures("réparation jouets vélo")
    assert result.match == "partial"
    assert result.message.startswith(PARTIAL_MESSAGE)
    assert set(names(result)[:2]) == {"Atelier national", "Vélo Solidaire"}  # two words of three
    assert set(names(result)[2:]) == {"Rejoué", "La Boîte à Jeux"}  # one word
    assert [hit.words_matched for hit in result.hits] == [2, 2, 1, 1]
    assert result.total == 4 and result.words_total == 3
    assert "Brouillon caché" not in names(result)


def test_a_word_no_structure_holds_is_named_and_left_out(toys):
    result = search_structures("jouets en porcelaine")
    assert result.match == "partial" and result.absent == ["porcelaine"]
    assert "« porcelaine »" in result.message
    assert set(names(result)) == {"Rejoué", "La Boîte à Jeux", "Atelier national"}


def test_partial_matches_keep_the_filters_and_page_across_levels(toys):
    filters = SearchFilters(kinds=("ACI", "AI", "ESAT"))  # not La Boîte à Jeux
    first = search_structures("réparation jouets vélo", filters, page_size=2)
    second = search_structures("réparation jouets vélo", filters, page=2, page_size=2)
    assert first.total == 3
    assert [h.words_matched for h in first.hits + second.hits] == [2, 2, 1]
    assert names(second) == ["Rejoué"]


def test_a_misspelt_word_is_corrected_to_the_closest_index_word(toys):
    result = search_structures("Rejoeu")
    assert names(result)[0] == "Rejoué"
    assert result.match == "all" and result.corrected == ["Rejoeu"]
    assert "« Rejoeu »" in result.message
    assert names(search_structures("jouest réparation")) == ["Atelier national"]


def test_names_close_to_the_query_are_the_last_resort(toys):
    result = search_structures("Boitajeux")
    assert result.match == "names" and result.fuzzy
    assert names(result)[0] == "La Boîte à Jeux"
    assert search_structures("xqzwv").total == 0


def test_relevance_ranks_a_name_match_above_a_description_match(toys):
    result = search_structures("jeux")
    assert names(result)[0] == "La Boîte à Jeux"
    assert result.hits[0].score > result.hits[1].score


def test_filters_on_kinds_families_reservations(toys):
    assert names(search_structures("", SearchFilters(kinds=("ACI",)))) == ["Rejoué"]
    assert set(names(search_structures("", SearchFilters(families=("association",))))) == {
        "Rejoué",
        "Vélo Solidaire",
    }
    disabled = search_structures("", SearchFilters(reservations=("l2113-12",)))
    assert names(disabled) == ["Atelier national"]
    insertion = search_structures("", SearchFilters(reservations=("l2113-13",)))
    assert set(names(insertion)) == {"Rejoué", "Vélo Solidaire"}


def test_sector_filter_top_level_and_sub_level(toys):
    top = search_structures("", SearchFilters(sectors=("jeux-jouets",)))
    assert set(names(top)) == {"Rejoué", "La Boîte à Jeux", "Atelier national"}
    sub = search_structures("", SearchFilters(sectors=("jeux-de-societe",)))
    assert names(sub) == ["La Boîte à Jeux"]


def test_works_in_a_commune_through_perimeters_and_national(toys):
    vitry = set(names(search_structures("", SearchFilters(works_in="94081"))))
    # Rejoué (EPT), La Boîte à Jeux (Val-de-Marne), the national workshop; not the Athis-Mons one.
    assert vitry == {"Rejoué", "La Boîte à Jeux", "Atelier national"}
    athis = set(names(search_structures("", SearchFilters(works_in="91027"))))
    assert athis == {"Rejoué", "Vélo Solidaire", "Atelier national"}


def test_works_in_a_perimeter_means_overlap(toys):
    essonne = set(names(search_structures("", SearchFilters(works_in="dep:91"))))
    assert essonne == {"Rejoué", "Vélo Solidaire", "Atelier national"}


def test_located_in(toys):
    assert names(search_structures("", SearchFilters(located_in="dep:91"))) == ["Vélo Solidaire"]
    assert set(names(search_structures("", SearchFilters(located_in="epci:200058014")))) == {
        "Rejoué",
        "La Boîte à Jeux",
        "Vélo Solidaire",
    }


def test_facets_are_counted_on_the_filtered_set(toys):
    result = search_structures("jouets")
    assert result.total == 3
    sectors = {f.code: f.count for f in result.facets["sectors"]}
    assert sectors["jeux-jouets"] == 3
    assert sectors["mobilite"] == 0
    kinds = {f.code: f.count for f in result.facets["kinds"]}
    assert kinds == {**dict.fromkeys(kinds, 0), "ACI": 1, "ESAT": 1}
    reservations = {f.code: f.count for f in result.facets["reservations"]}
    assert reservations == {"l2113-12": 1, "l2113-13": 1, "l2113-15": 3}


def test_sort_by_name_and_pagination(toys):
    first = search_structures("", sort="name", page=1, page_size=2)
    second = search_structures("", sort="name", page=2, page_size=2)
    assert first.total == 4 and first.num_pages == 2
    assert names(first) + names(second) == ["Atelier national", "La Boîte à Jeux", "Rejoué", "Vélo Solidaire"]


def test_empty_query_with_place_lists_local_structures_first(toys):
    result = search_structures("", SearchFilters(works_in="94081"))
    assert names(result)[0] == "Rejoué"


def test_demo_acceptance_rejoue_first_near_vitry(demo):
    result = search_structures("jouets de réemploi", SearchFilters(works_in="94081"))
    assert names(result)[0] == "Rejoué"

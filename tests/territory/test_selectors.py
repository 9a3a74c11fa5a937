"""Reads over the loaded reference: containment in one query, search, communes of a perimeter."""

from __future__ import annotations

import pytest

from essaim.territory.selectors import (
    PerimeterNotFoundError,
    UnknownPerimeterError,
    commune_in_perimeter,
    commune_search,
    communes_of_perimeter,
    perimeter_children,
    perimeter_get,
    perimeter_parents,
    perimeter_search,
    perimeters_containing,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory_data")]


def test_perimeters_containing_vitry_narrowest_first_in_one_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        codes = [p.code for p in perimeters_containing("94081")]
    assert codes == ["94081", "epci:200058014", "epci:200054781", "dep:94", "reg:11", "national"]


def test_perimeters_containing_an_arrondissement_include_its_city() -> None:
    codes = [p.code for p in perimeters_containing("69383")]
    assert codes[:2] == ["69383", "69123"]
    assert {"dep:69", "reg:84", "national"} <= set(codes)


@pytest.mark.parametrize(
    ("commune", "perimeter", "inside"),
    [
        ("94081", "dep:94", True),
        ("94081", "reg:11", True),
        ("94081", "epci:200058014", True),
        ("94081", "ept:200058014", True),
        ("94081", "national", True),
        ("94081", "com:94081", True),
        ("91027", "epci:200058014", True),  # Athis-Mons, in Essonne, is in the EPT too
        ("91027", "dep:94", False),
        ("94081", "dep:91", False),
        ("75112", "75056", True),
        ("75056", "75112", False),
        ("00000", "national", False),
    ],
)
def test_commune_in_perimeter_in_one_query(django_assert_num_queries, commune, perimeter, inside) -> None:
    with django_assert_num_queries(1):
        assert commune_in_perimeter(commune, perimeter) is inside


def test_commune_in_perimeter_rejects_a_malformed_code() -> None:
    with pytest.raises(UnknownPerimeterError, match="Type de périmètre inconnu"):
        commune_in_perimeter("94081", "canton:9401")


def test_perimeter_get_tells_malformed_from_unknown() -> None:
    assert perimeter_get("ept:200058014").name == "Grand-Orly Seine Bièvre"
    with pytest.raises(PerimeterNotFoundError, match="Aucun périmètre ne correspond au code « dep:99 »"):
        perimeter_get("dep:99")
    with pytest.raises(UnknownPerimeterError, match="mal formé"):
        perimeter_get("dep:999x")


def test_communes_of_perimeter_leave_arrondissements_out_unless_asked() -> None:
    assert communes_of_perimeter("ept:200058014").count() == 24
    assert list(communes_of_perimeter("dep:75").values_list("code", flat=True)) == ["75056"]
    assert communes_of_perimeter("dep:75", include_arrondissements=True).count() == 21
    assert communes_of_perimeter("national").count() == 34969


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("grand-orly", "epci:200058014"),
        ("GRAND ORLY", "epci:200058014"),
        ("ile-de-fr", "reg:11"),
        ("île de france", "reg:11"),
        ("val-de-marne", "dep:94"),
        ("94", "dep:94"),
        ("dep:94", "dep:94"),
        ("vitry-sur", "94081"),
        ("l'hay", "94038"),
        ("kremlin", "94043"),
        ("seine bievre", "epci:200058014"),  # words inside the name
        ("bievre", "91064"),  # a name prefix (Bièvres) beats a word inside a name
    ],
)
def test_perimeter_search_ignores_accents_and_case(query: str, expected_first: str) -> None:
    assert perimeter_search(query, 5)[0].code == expected_first


def test_perimeter_search_puts_groupings_before_communes_and_caps_the_limit() -> None:
    assert len(perimeter_search("saint", 10_000)) == 50
    results = perimeter_search("paris", 10)
    assert results[0].code == "dep:75"
    kinds = [p.kind for p in results[:5]]
    assert kinds[1:4] == ["epci", "epci", "epci"]
    assert perimeter_search("", 10) == []
    assert perimeter_search("paris", 3, kinds=["commune"])[0].code == "75056"


def test_commune_search_by_name_code_and_postal_code() -> None:
    assert [c.code for c in commune_search("ivry-sur", 3)] == ["94041"]
    assert commune_search("evry", 5)[0].name == "Évry-Courcouronnes"
    assert commune_search("94400", 5)[0].code == "94081"  # postal code
    assert commune_search("9408", 5)[0].code == "94081"  # INSEE code prefix


def test_parents_of_the_ept_contain_it_or_straddle_it() -> None:
    parents = perimeter_parents(perimeter_get("epci:200058014"))
    assert [(p.perimeter.code, p.contains) for p in parents] == [
        ("epci:200054781", True),
        ("reg:11", True),
        ("national", True),
        ("dep:91", False),
        ("dep:94", False),
    ]
    assert perimeter_parents(perimeter_get("national")) == []


def test_children_one_level_down() -> None:
    assert len(perimeter_children(perimeter_get("national"))) == 26
    assert {p.code for p in perimeter_children(perimeter_get("reg:11"))} == {
        f"dep:{code}" for code in ("75", "77", "78", "91", "92", "93", "94", "95")
    }
    assert "epci:200058014" in {p.code for p in perimeter_children(perimeter_get("dep:91"))}

"""Loading the committed extract: contents, arrondissements, idempotence, the management command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from essaim.territory.models import Commune, Departement, Epci, Perimeter, PerimeterCommune, Region
from essaim.territory.selectors import reference_cached
from essaim.territory.services import LoadReport, territory_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("territory_data")]

# The 24 communes of the EPT Grand-Orly Seine Bièvre (SIREN 200058014) in @etalab/decoupage-administratif
# 6.0.0 (data/ept.json): 6 in Essonne, 18 in Val-de-Marne.
GRAND_ORLY_SEINE_BIEVRE = {
    "91027",  # Athis-Mons
    "91326",  # Juvisy-sur-Orge
    "91432",  # Morangis
    "91479",  # Paray-Vieille-Poste
    "91589",  # Savigny-sur-Orge
    "91687",  # Viry-Châtillon
    "94001",  # Ablon-sur-Seine
    "94003",  # Arcueil
    "94016",  # Cachan
    "94021",  # Chevilly-Larue
    "94022",  # Choisy-le-Roi
    "94034",  # Fresnes
    "94037",  # Gentilly
    "94038",  # L'Haÿ-les-Roses
    "94041",  # Ivry-sur-Seine
    "94043",  # Le Kremlin-Bicêtre
    "94054",  # Orly
    "94065",  # Rungis
    "94073",  # Thiais
    "94074",  # Valenton
    "94076",  # Villejuif
    "94077",  # Villeneuve-le-Roi
    "94078",  # Villeneuve-Saint-Georges
    "94081",  # Vitry-sur-Seine
}
METROPOLE_DU_GRAND_PARIS = "epci:200054781"


def test_first_load_creates_the_whole_reference(territory_data: LoadReport) -> None:
    assert territory_data.regions.created == Region.objects.count() == 26
    assert territory_data.departements.created == Departement.objects.count() == 109
    assert territory_data.communes.created == Commune.objects.count() == 35014
    assert Commune.objects.filter(is_arrondissement=True).count() == 45
    assert territory_data.epci.created == Epci.objects.count() == 1255 + 11
    assert Epci.objects.filter(kind="EPT").count() == 11
    # national + 26 régions + 109 départements + 1 266 EPCI/EPT + 35 014 communes
    assert territory_data.perimeters.created == Perimeter.objects.count() == 36416
    assert territory_data.memberships.created == PerimeterCommune.objects.count()


def test_grand_orly_seine_bievre_has_exactly_its_24_communes() -> None:
    ept = Epci.objects.get(siren="200058014")
    assert (ept.name, ept.kind) == ("Grand-Orly Seine Bièvre", "EPT")
    assert set(ept.communes.values_list("code", flat=True)) == GRAND_ORLY_SEINE_BIEVRE
    perimeter = Perimeter.objects.get(code="epci:200058014")
    assert set(perimeter.communes.values_list("code", flat=True)) == GRAND_ORLY_SEINE_BIEVRE
    populations = Commune.objects.filter(code__in=GRAND_ORLY_SEINE_BIEVRE).values_list(
        "population", flat=True
    )
    assert perimeter.population == sum(populations)


def test_vitry_belongs_to_its_commune_ept_metropole_departement_region_and_france() -> None:
    vitry = Commune.objects.get(code="94081")
    assert (vitry.name, vitry.departement_id, vitry.region_id, vitry.siren) == (
        "Vitry-sur-Seine",
        "94",
        "11",
        "219400819",
    )
    assert set(vitry.perimeters.values_list("code", flat=True)) == {
        "94081",
        "epci:200058014",
        METROPOLE_DU_GRAND_PARIS,
        "dep:94",
        "reg:11",
        "national",
    }


def test_arrondissement_belongs_to_its_city_and_the_city_groupings() -> None:
    paris_12 = Commune.objects.get(code="75112")
    assert paris_12.is_arrondissement
    assert paris_12.parent_id == "75056"
    assert paris_12.siren == ""
    assert set(paris_12.perimeters.values_list("code", flat=True)) == {
        "75112",
        "75056",
        METROPOLE_DU_GRAND_PARIS,
        "dep:75",
        "reg:11",
        "national",
    }
    # The city's perimeter holds the city and its 20 arrondissements; its population is the city's alone.
    paris = Perimeter.objects.get(code="75056")
    assert paris.communes.count() == 21
    assert paris.population == Commune.objects.get(code="75056").population
    # EPCI membership stays as published: the city, not its arrondissements.
    lyon = Epci.objects.get(kind="MET69")
    assert lyon.communes.filter(code="69123").exists()
    assert not lyon.communes.filter(is_arrondissement=True).exists()
    assert Perimeter.objects.get(code=f"epci:{lyon.siren}").communes.filter(code="69383").exists()


def test_reload_repairs_drift_and_keeps_rows_absent_from_the_extract() -> None:
    Commune.objects.filter(code="94081").update(name="Vitry", population=1)
    PerimeterCommune.objects.filter(commune_id="94081", perimeter__code="dep:94").delete()
    PerimeterCommune.objects.create(commune_id="94081", perimeter=Perimeter.objects.get(code="dep:91"))
    Commune.objects.create(code="94999", name="Commune disparue", departement_id="94", region_id="11")

    report = territory_load()

    assert report.changed
    assert report.communes.updated == 1
    assert report.communes.stale == 1
    assert report.memberships.created == 1
    assert report.memberships.deleted == 1
    vitry = Commune.objects.get(code="94081")
    assert (vitry.name, vitry.population) == ("Vitry-sur-Seine", 93963)
    assert vitry.perimeters.filter(code="dep:94").exists()
    assert not vitry.perimeters.filter(code="dep:91").exists()
    assert Commune.objects.filter(code="94999").exists()


def test_dry_run_reports_changes_without_writing() -> None:
    Commune.objects.filter(code="94041").update(name="Ivry")
    report = territory_load(dry_run=True)
    assert report.dry_run
    assert report.communes.updated == 1
    assert Commune.objects.get(code="94041").name == "Ivry"


def test_second_load_changes_nothing_and_says_so() -> None:
    before = PerimeterCommune.objects.count()
    stdout, stderr = StringIO(), StringIO()
    call_command("territory_load", stdout=stdout, stderr=stderr)
    summary = json.loads(stdout.getvalue())
    assert {
        "regions",
        "departements",
        "communes",
        "epci",
        "perimeters",
        "memberships",
        "seconds",
    } <= summary.keys()
    assert summary["changed"] is False
    for table in ("regions", "departements", "communes", "epci", "perimeters"):
        assert summary[table]["created"] == summary[table]["updated"] == 0
        assert summary[table]["unchanged"] == summary[table]["total"]
    assert summary["communes"]["unchanged"] == 35014
    for links in ("memberships", "epci_members"):
        assert summary[links]["created"] == summary[links]["deleted"] == 0
    assert PerimeterCommune.objects.count() == before
    assert "déjà à jour" in stderr.getvalue()


def _territory_labels() -> list[tuple[str, str]]:
    return reference_cached(
        "tests.territory_labels",
        lambda: [
            (p.code, p.label)
            for p in Perimeter.objects.filter(code__in=["epci:200058014", "dep:91", *GRAND_ORLY_SEINE_BIEVRE])
        ],
    )


def test_values_computed_from_the_reference_are_cached_until_a_reload_changes_it(
    django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    Perimeter.objects.filter(code="94081").update(name="Vitry")
    choices = _territory_labels()
    assert len(choices) == 1 + 1 + len(GRAND_ORLY_SEINE_BIEVRE)
    assert ("94081", "Vitry (94)") in choices and ("dep:91", "Essonne (91)") in choices
    with django_assert_num_queries(0):
        assert _territory_labels() == choices
    with django_capture_on_commit_callbacks(execute=True):
        territory_load(dry_run=True)
    assert _territory_labels() == choices  # nothing was written: the cache stays
    with django_capture_on_commit_callbacks(execute=True):
        territory_load()
    repaired = _territory_labels()
    assert ("94081", "Vitry-sur-Seine (94)") in repaired and ("94081", "Vitry (94)") not in repaired

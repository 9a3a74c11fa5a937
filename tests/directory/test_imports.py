"""Imports of each format on small realistic files with dirty rows: counts, rejections, idempotence."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from essaim.directory.imports import rejections_path, run_import
from essaim.directory.models import Structure
from essaim.directory.selectors import SearchFilters, search_structures
from essaim.directory.services import structure_update

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for path in FIXTURES.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def reasons(path: Path) -> list[str]:
    with rejections_path(path).open(encoding="utf-8") as handle:
        return [row["motif"] for row in csv.DictReader(handle)]


def test_csv_dry_run_writes_nothing_but_counts_exactly(files, territory):
    report = run_import(files / "structures.csv", "csv")
    assert report.as_dict() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 5}
    assert Structure.objects.count() == 0
    assert sorted(reasons(files / "structures.csv")) == sorted(
        [
            "Nom manquant.",
            "Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les chiffres.",
            "Valeur inconnue pour famille de l'ESS : coop.",
            "La colonne commune attend un code INSEE de commune, pas « dep:94 ».",
            "Adresse électronique invalide.",
        ]
    )


def test_csv_commit_is_idempotent_and_searchable(files, territory):
    path = files / "structures.csv"
    assert run_import(path, "csv", commit=True).created == 3
    again = run_import(path, "csv", commit=True)
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 5}
    rejoue = Structure.objects.get(siret="73282932000074")
    assert rejoue.inclusion_kinds == ["ACI"] and rejoue.eligible_l2113_13
    assert rejoue.website == "https://rejoue.example"
    assert rejoue.provenance["identity"]["source"] == "csv"
    velo = Structure.objects.get(name="Vélo Solidaire")
    assert velo.inclusion_kinds == ["AI"]
    assert [h.name for h in search_structures("vélo", SearchFilters(works_in="dep:91")).hits] == [
        "Vélo Solidaire"
    ]


def test_own_edits_win_over_later_imports(files, territory):
    path = files / "structures.csv"
    run_import(path, "csv", commit=True)
    rejoue = Structure.objects.get(siret="73282932000074")
    structure_update(actor=None, structure=rejoue, data={"description": "Notre texte à nous."})
    report = run_import(path, "csv", commit=True)
    rejoue.refresh_from_db()
    assert rejoue.description == "Notre texte à nous."
    assert report.unchanged == 3


def test_windows_1252_semicolon_csv(files, territory):
    report = run_import(files / "structures-cp1252.csv", "csv", commit=True)
    assert report.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    jardins = Structure.objects.get(name="Les Jardins dévoués")
    assert jardins.description == "Entretien d'espaces verts à Vitry"
    assert not rejections_path(files / "structures-cp1252.csv").exists()


def test_sirene_keeps_active_ess_head_offices_in_the_perimeter(files, territory, capsys):
    call_command(
        "import_structures",
        str(files / "StockUniteLegale_extrait.csv"),
        "--format=sirene",
        "--perimeter=epci:200058014",
        "--commit",
    )
    assert json.loads(capsys.readouterr().out) == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    atelier = Structure.objects.get(siren="732829320")
    assert atelier.siret == "73282932000074"  # the head office, not the secondary establishment
    assert atelier.name == "Atelier Du Reemploi"
    assert atelier.ess_families == ["association"]
    assert atelier.commune_id == "94081"
    assert [t.slug for t in Structure.objects.with_listing().get(pk=atelier.pk).top_sectors] == ["reemploi"]
    scop = Structure.objects.get(siren="443061841")
    assert scop.ess_families == ["cooperative-scop"] and scop.legal_form_label.startswith("SARL coopérative")
    assert not Structure.objects.filter(siren__in=["356000000", "552100554"]).exists()
    call_command(
        "import_structures",
        str(files / "StockUniteLegale_extrait.csv"),
        "--format=sirene",
        "--perimeter=epci:200058014",
        "--commit",
    )
    assert json.loads(capsys.readouterr().out)["unchanged"] == 2


def test_data_inclusion_maps_reseaux_porteurs_to_kinds(files, territory):
    report = run_import(files / "data-inclusion-structures.json", "data-inclusion", commit=True)
    assert report.as_dict() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 3}
    jardins = Structure.objects.get(name="Jardins d'Insertion du Val")
    assert jardins.inclusion_kinds == ["ACI"]
    assert jardins.source_id == "emplois-de-linclusion:a1b2c3"
    assert sorted(reasons(files / "data-inclusion-structures.json")) == sorted(
        [
            "Adresse électronique invalide.",
            "Structure sans nom ou sans identifiant.",
            "Commune inconnue (code INSEE 99999).",
        ]
    )


def test_gogocarto_maps_categories_and_finds_communes(files, territory):
    report = run_import(files / "gogocarto-export.json", "gogocarto", commit=True)
    assert report.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    recyclerie = Structure.objects.with_listing().get(source_id="Ab12")
    assert recyclerie.commune_id == "94081" and recyclerie.is_ressourcerie
    assert {t.slug for t in recyclerie.top_sectors} == {"reemploi"}
    velo = Structure.objects.get(source_id="Cd34")
    assert velo.commune_id == "94041"
    assert run_import(files / "gogocarto-export.json", "gogocarto", commit=True).unchanged == 2

"""Imports of each format on small realistic files with dirty rows: counts, rejections, idempotence."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from essaim.directory.imports import rejections_path, run_import
from essaim.directory.imports.run import updates_path
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
    with rejections_path(path).open(encoding="utf-8-sig", newline="") as handle:
        return [row["motif"] for row in csv.DictReader(handle, delimiter=";")]


def test_csv_dry_run_writes_nothing_but_counts_exactly(files, territory):
    report = run_import(files / "structures.csv", "csv")
    assert report.as_dict() == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 5, "excluded": 0}
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
    assert again.as_dict() == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 5, "excluded": 0}
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
    assert report.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0, "excluded": 0}
    jardins = Structure.objects.get(name="Les Jardins dévoués")
    assert jardins.description == "Entretien d'espaces verts à Vitry"
    assert not rejections_path(files / "structures-cp1252.csv").exists()


def test_sirene_keeps_active_ess_head_offices_in_the_perimeter(files, territory, capsys):
    call_command(
        "import_structures",
        str(files / "StockUniteLegale_extrait.csv"),
        "--format=sirene",
        "--perimeter=epci:200058014",
        "--publish",
        "--commit",
    )
    assert json.loads(capsys.readouterr().out) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "excluded": 2,  # La Poste (not ESS), a ceased association
    }
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
        "--publish",
        "--commit",
    )
    assert json.loads(capsys.readouterr().out)["unchanged"] == 2


def test_data_inclusion_older_shape_is_read_with_its_scope_and_siret_rules(files, territory):
    report = run_import(files / "data-inclusion-structures.json", "data-inclusion", commit=True)
    assert report.as_dict() == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 3, "excluded": 1}
    assert sorted(reasons(files / "data-inclusion-structures.json")) == sorted(
        [
            "SIRET manquant : une structure importée doit avoir un SIRET.",
            "Adresse électronique invalide.",
            "Structure sans nom ou sans identifiant.",
            "Hors champ : pas une structure productrice de l'ESS (réseaux porteurs : mission-locale).",
        ]
    )


def test_gogocarto_maps_categories_and_finds_communes(files, territory):
    report = run_import(files / "gogocarto-export.json", "gogocarto", commit=True)
    assert report.as_dict() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 2, "excluded": 0}
    assert set(Structure.objects.values_list("status", flat=True)) == {Structure.Status.TO_REVIEW}
    recyclerie = Structure.objects.with_listing().get(source_id="Ab12")
    assert recyclerie.commune_id == "94081" and recyclerie.is_ressourcerie
    assert {t.slug for t in recyclerie.top_sectors} == {"reemploi"}
    velo = Structure.objects.get(source_id="Cd34")
    assert velo.commune_id == "94041"
    assert run_import(files / "gogocarto-export.json", "gogocarto", commit=True).unchanged == 2


def _snapshot() -> dict[str, dict[str, object]]:
    skip = {"id", "created_at", "updated_at"}
    rows = {}
    for structure in Structure.objects.prefetch_related("activities__sector", "activities__perimeters"):
        values = {
            f.attname: getattr(structure, f.attname)
            for f in Structure._meta.concrete_fields
            if f.attname not in skip
        }
        values["logo"] = str(values["logo"])
        values["activities"] = sorted(
            (
                a.sector.slug,
                tuple(a.service_types),
                a.is_national,
                tuple(sorted(p.code for p in a.perimeters.all())),
            )
            for a in structure.activities.all()
        )
        rows[structure.source_id] = values
    return rows


def test_sirene_bulk_and_service_paths_write_the_same_structures(files, territory):
    path = files / "StockUniteLegale_extrait.csv"
    by_service = run_import(path, "sirene", commit=True, bulk=False, publish=True)
    service_rows = _snapshot()
    service_reasons = reasons(path)
    Structure.objects.all().delete()
    by_bulk = run_import(path, "sirene", commit=True, bulk=True, publish=True)
    assert (
        by_bulk.as_dict()
        == by_service.as_dict()
        == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1, "excluded": 2}
    )
    assert _snapshot() == service_rows
    assert (
        reasons(path)
        == service_reasons
        == [
            "Unité légale sans dénomination (données non diffusibles ?).",
            "Hors champ : unité légale sans la qualité ESS (economieSocialeSolidaireUniteLegale ≠ O) : 1 ligne",
            "Hors champ : unité légale cessée : 1 ligne",
        ]
    )
    assert [h.name for h in search_structures("reemploi").hits] == ["Atelier Du Reemploi"]


def test_sirene_bulk_sample_is_idempotent_and_keeps_own_edits(files, territory, tmp_path):
    from essaim.directory.imports.sirene_sample import write_sample
    from essaim.territory.models import Commune

    units, establishments = write_sample(
        tmp_path / "sirene",
        units=1500,
        communes=list(Commune.objects.values_list("code", flat=True)),
        seed=11,
    )
    dry = run_import(units, "sirene", publish=True)
    assert Structure.objects.count() == 0
    first = run_import(units, "sirene", commit=True, publish=True)
    assert first.as_dict() == dry.as_dict()
    assert first.created > 30 and first.rejected > 0
    assert Structure.objects.count() == first.created
    motifs = set(reasons(units))
    assert "Commune inconnue (code INSEE 99999)." in motifs
    assert any("SIRET" in motif for motif in motifs)
    edited = Structure.objects.order_by("pk").first()
    structure_update(actor=None, structure=edited, data={"name": "Notre nom à nous"})
    second = run_import(units, "sirene", commit=True, publish=True)
    assert second.as_dict() == {**first.as_dict(), "created": 0, "unchanged": first.created}
    edited.refresh_from_db()
    assert edited.name == "Notre nom à nous" and edited.locked_groups == ["identity"]
    assert search_structures("notre nom").hits[0].pk == edited.pk
    # A changed source row is updated through the services (the structure's edits still win).
    with_rows = {s.source_id: s for s in Structure.objects.exclude(pk=edited.pk)[:1]}
    other = next(iter(with_rows.values()))
    Structure.objects.filter(pk=other.pk).update(naf_code="0000Z")
    third = run_import(units, "sirene", commit=True, bulk=True)
    assert third.updated == 1 and third.unchanged == first.created - 1
    assert [(u.structure_id, u.groups) for u in third.updates] == [(other.pk, ("identity",))]
    assert "identity" in updates_path(units).read_text(encoding="utf-8-sig")

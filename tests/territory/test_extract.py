"""Building the extract from the npm package (on a miniature package) and the committed extract itself."""

from __future__ import annotations

import gzip
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from essaim.territory.extract import ExtractError, build_extract, load_extract, summary_counts
from essaim.territory.services import DEFAULT_EXTRACT


def _write_package(root: Path, *, version: str = "6.0.0", member: str = "94081") -> Path:
    data = root / "package" / "data"
    data.mkdir(parents=True)
    (root / "package" / "package.json").write_text(
        json.dumps({"name": "@etalab/decoupage-administratif", "version": version})
    )
    files: dict[str, Any] = {
        "regions.json": [{"code": "11", "nom": "Île-de-France", "chefLieu": "75056", "zone": "metro"}],
        "departements.json": [
            {"code": "94", "region": "11", "nom": "Val-de-Marne"},
            {"code": "75", "region": "11", "nom": "Paris"},
        ],
        "communes.json": [
            {
                "code": "94081",
                "nom": "Vitry-sur-Seine",
                "type": "commune-actuelle",
                "departement": "94",
                "region": "11",
                "siren": "219400819",
                "codesPostaux": ["94400"],
                "population": 93963,
                "zone": "metro",
            },
            {
                "code": "94081",
                "nom": "Ancienne",
                "type": "commune-deleguee",
                "departement": "94",
                "region": "11",
            },
            {
                "code": "75056",
                "nom": "Paris",
                "type": "commune-actuelle",
                "departement": "75",
                "region": "11",
                "siren": "217500016",
                "codesPostaux": ["75001", "75002"],
                "population": 2103778,
            },
            {
                "code": "75112",
                "nom": "Paris 12e Arrondissement",
                "type": "arrondissement-municipal",
                "commune": "75056",
                "departement": "75",
                "region": "11",
                "codesPostaux": ["75012"],
                "population": 138024,
            },
        ],
        "epci.json": [
            {
                "code": "200054781",
                "nom": "Métropole du Grand Paris",
                "type": "METRO",
                "populationTotale": 7000000,
                "membres": [{"code": "75056", "siren": "217500016", "nom": "Paris"}, {"code": member}],
            }
        ],
        "ept.json": [
            {
                "code": "200058014",
                "nom": "Grand-Orly Seine Bièvre",
                "type": "EPT",
                "populationTotale": 734311,
                "membres": [{"code": "94081", "siren": "219400819", "nom": "Vitry-sur-Seine"}],
            }
        ],
    }
    for name, rows in files.items():
        (data / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return root / "package"


def test_build_keeps_current_communes_and_arrondissements_only(tmp_path: Path) -> None:
    extract = build_extract(_write_package(tmp_path) / "data", version="6.0.0")
    assert [c["code"] for c in extract["communes"]] == ["75056", "75112", "94081"]
    vitry = extract["communes"][2]
    assert vitry == {
        "code": "94081",
        "name": "Vitry-sur-Seine",
        "departement": "94",
        "region": "11",
        "siren": "219400819",
        "postal_codes": ["94400"],
        "population": 93963,
    }
    assert extract["communes"][1]["parent"] == "75056"
    assert [g["siren"] for g in extract["epci"]] == ["200054781", "200058014"]
    assert extract["epci"][0]["members"] == ["75056", "94081"]


def test_build_refuses_a_member_that_is_no_commune(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="commune membre 99999 inconnue"):
        build_extract(_write_package(tmp_path, member="99999") / "data", version="6.0.0")


def test_command_writes_a_byte_identical_extract_and_its_provenance(tmp_path: Path) -> None:
    package = _write_package(tmp_path / "src")
    first, second = tmp_path / "first", tmp_path / "second"
    for output in (first, second):
        call_command(
            "territory_build_extract",
            package_dir=package,
            output_dir=output,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    name = "decoupage-administratif-6.0.0.json.gz"
    content = (first / name).read_bytes()
    assert content == (second / name).read_bytes()
    assert content[4:8] == b"\0\0\0\0"  # gzip header: no timestamp
    assert json.loads(gzip.decompress(content))["source"]["version"] == "6.0.0"
    provenance = (first / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "@etalab/decoupage-administratif" in provenance
    assert "Licence Ouverte" in provenance


def test_command_rejects_a_package_of_another_version(tmp_path: Path) -> None:
    package = _write_package(tmp_path, version="5.3.0")
    with pytest.raises(CommandError, match="5.3.0"):
        call_command(
            "territory_build_extract", package_dir=package, output_dir=tmp_path / "out", stdout=StringIO()
        )


def test_committed_extract_is_version_6_and_small() -> None:
    assert DEFAULT_EXTRACT.stat().st_size < 1_000_000
    extract = load_extract(DEFAULT_EXTRACT)
    assert extract["source"]["version"] == "6.0.0"
    assert summary_counts(extract) == {
        "regions": 26,
        "departements": 109,
        "communes": 34969,
        "arrondissements": 45,
        "epci": 1255,
        "ept": 11,
    }

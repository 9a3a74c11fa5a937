"""Linking holders to the directory, the contracts a structure won, and the commands around them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.urls import reverse

from essaim.directory import services as directory_services
from essaim.directory.models import Structure
from essaim.insight import store
from essaim.insight.linking import ess_link_rows, link
from essaim.insight.selectors import contracts_won_by
from tests.pdf_support import assert_tagged_pdf
from tests.territory_support import make_small_territory

from .conftest import REPORT_FIXTURE, make_report_store

pytestmark = pytest.mark.django_db


def _structure(name: str, status: str = Structure.Status.PUBLISHED, **data: object) -> Structure:
    return directory_services.structure_create(
        actor=None, data={"name": name, **data}, activities=None, organisation=None, status=status
    )


def test_published_and_sirene_structures_are_linked_with_their_inclusion_flag(tmp_path) -> None:
    _structure("Atelier ESS", siren="443061841", ess_families=["association"])
    _structure("Insertion Net", siret="73282932000074", inclusion_kinds=["EI"])  # SIREN from the SIRET
    _structure("Brouillon", status=Structure.Status.DRAFT, siren="555555556")
    _structure("Retirée", status=Structure.Status.DELISTED, siren="666666664")
    sirene = _structure("Association de SIRENE", status=Structure.Status.TO_REVIEW, siren="777777772")
    Structure.objects.filter(pk=sirene.pk).update(source="sirene")
    assert sorted(ess_link_rows()) == [
        ("443061841", True, False),
        ("732829320", True, True),
        ("777777772", False, False),
    ]
    path = make_report_store(tmp_path / "l.duckdb")
    assert link(db_path=path) == 3
    con = store.connect(path, read_only=True)
    assert con.execute("SELECT siren FROM ess_sirens WHERE is_inclusion").fetchall() == [("732829320",)]
    con.close()


def test_link_command_and_import_command_fill_ess_sirens(tmp_path) -> None:
    _structure("Atelier ESS", siren="443061841")
    db = tmp_path / "c.duckdb"
    err = StringIO()
    call_command("decp_import", str(REPORT_FIXTURE), db=str(db), stdout=StringIO(), stderr=err)
    assert "1 SIREN" in err.getvalue()
    out = StringIO()
    call_command("insight_link", db=str(db), stdout=out)
    assert json.loads(out.getvalue()) == {"ess_sirens": 1}


def test_contracts_won_by_a_structure_most_recent_first(report_con) -> None:
    make_small_territory()
    contracts, total = contracts_won_by("789 456 123", con=report_con)
    assert total == 2
    assert [(c.id, c.buyer_name, c.amount) for c in contracts] == [
        ("I1", "Ville d'Ivry-sur-Seine", 20000.0),
        ("R3", "Ville de Vitry-sur-Seine", 30000.0),
    ]
    assert contracts_won_by("pas un siren", con=report_con) == ([], 0)
    assert contracts_won_by("555555555", limit=1, con=report_con)[1] == 5  # R2, R4, P1, P2 and Créteil's C1


def test_contracts_won_block_for_a_directory_profile(report_store, settings) -> None:
    settings.INSIGHT_DB = str(report_store)
    html = Template("{% load insight_tags %}{% contracts_won siren %}").render(
        Context({"siren": "443061841"})
    )
    assert "Marchés publics remportés" in html and "Rénovation de l&#x27;école Makarenko" in html
    assert 'scope="col"' in html
    empty = Template("{% load insight_tags %}{% contracts_won siren %}").render(Context({"siren": ""}))
    assert empty.strip() == ""
    # Without a readable store (a machine without its copy), the block says so instead of showing nothing.
    settings.INSIGHT_DB = str(report_store.parent / "absent.duckdb")
    html = Template("{% load insight_tags %}{% contracts_won '443061841' %}").render(Context())
    assert "Marchés publics remportés" in html and "ne sont pas disponibles sur ce serveur" in html
    assert Template("{% load insight_tags %}{% contracts_won '' %}").render(Context()).strip() == ""


def test_a_profile_on_a_machine_without_the_store_says_the_contracts_are_unavailable(
    client, report_store, settings
) -> None:
    structure = _structure("Atelier ESS", siren="443061841")
    url = reverse("directory:profile", args=[structure.pk])
    settings.INSIGHT_DB = str(report_store)
    page = client.get(url).content.decode()
    assert "Rénovation de l&#x27;école Makarenko" in page and "pas disponibles" not in page
    settings.INSIGHT_DB = str(report_store.parent / "copie-absente.duckdb")
    page = client.get(url).content.decode()
    assert "Marchés publics remportés" in page and "ne sont pas disponibles sur ce serveur" in page


def test_report_spaser_writes_pdf_csv_and_xlsx(report_store, tmp_path) -> None:
    make_small_territory()
    out = StringIO()
    call_command(
        "report_spaser",
        buyer="epci:200058014",
        year=2025,
        out=str(tmp_path / "out"),
        db=str(report_store),
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["contracts"] == 7
    files = {ext: Path(path) for ext, path in result["files"].items()}
    assert files["pdf"].name == "spaser-epci-200058014-2025.pdf"
    assert_tagged_pdf(files["pdf"].read_bytes(), "Rapport d'achat responsable 2025")
    assert "6340000" in files["csv"].read_text(encoding="utf-8-sig")
    assert files["xlsx"].stat().st_size > 1000
    with pytest.raises(CommandError, match="EPCI inconnu"):
        call_command(
            "report_spaser", buyer="epci:200000000", year=2025, out=str(tmp_path), db=str(report_store)
        )

"""`import_structures` against crafted CSV files: encodings beyond the first 64 KiB, a malformed quote, a NUL
byte, values the database refuses. The check (dry run) reports exactly what the commit does, every bad row
with its reason, and nothing ends in a raw exception or a server error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from essaim.directory.imports import rejections_path, run_import
from essaim.directory.models import Structure

pytestmark = pytest.mark.django_db

HEADER = "name;siret;ess_families;kinds;sectors;description;offers;commune;works_in;email;phone;website\n"


def _row(name: str, description: str = "Atelier de quartier", commune: str = "94081") -> str:
    return f"{name};;association;;;{description};;{commune};{commune};;;\n"


def _padding(size: int) -> str:
    """Plain ASCII rows filling about `size` bytes."""
    rows = []
    total = 0
    number = 0
    while total < size:
        row = _row(f"Structure ASCII {number}")
        rows.append(row)
        total += len(row)
        number += 1
    return "".join(rows)


def _reasons(path: Path) -> dict[int, str]:
    with rejections_path(path).open(encoding="utf-8-sig", newline="") as handle:
        return {int(row["ligne"]): row["motif"] for row in csv.DictReader(handle, delimiter=";")}


def test_a_utf8_accent_across_the_64_kib_boundary_is_read_as_utf8(tmp_path: Path, territory) -> None:  # noqa: ANN001
    head = HEADER + _padding(60_000)
    start = "Ressourcerie;;association;;;"
    prefix = " Atelier du r"
    filler = "x" * (65_535 - len(head.encode()) - len(start) - len(prefix))
    row = f"{start}{filler}{prefix}éemploi;;94081;94081;;;\n"
    path = tmp_path / "structures.csv"
    content = (head + row).encode("utf-8")
    assert content.index("é".encode()) == 65_535  # the two bytes of é straddle the first 64 KiB
    path.write_bytes(content)
    run_import(path, "csv", commit=True)
    assert Structure.objects.get(name="Ressourcerie").description.endswith("Atelier du réemploi")
    assert not Structure.objects.filter(description__contains="Ã").exists()


def test_a_latin1_byte_after_the_first_64_kib_is_read_without_a_raw_error(tmp_path: Path, territory) -> None:  # noqa: ANN001
    path = tmp_path / "structures.csv"
    path.write_bytes((HEADER + _padding(70_000) + _row("Les Jardins dévoués")).encode("cp1252"))
    report = run_import(path, "csv", commit=True)
    assert report.rejected == 0
    assert Structure.objects.filter(name="Les Jardins dévoués").exists()


def test_a_declared_encoding_is_used_and_a_wrong_one_is_refused_in_french(
    tmp_path: Path, territory, capsys
) -> None:  # noqa: ANN001
    path = tmp_path / "structures.csv"
    path.write_bytes((HEADER + _row("Les Jardins dévoués")).encode("cp1252"))
    call_command("import_structures", str(path), "--format=csv", "--encoding=cp1252", "--commit")
    assert json.loads(capsys.readouterr().out)["created"] == 1
    with pytest.raises(CommandError, match="n'est pas encodé en utf-8"):
        call_command("import_structures", str(path), "--format=csv", "--encoding=utf-8")


def test_a_file_in_no_known_encoding_gets_a_french_error_not_a_traceback(tmp_path: Path, territory) -> None:  # noqa: ANN001
    path = tmp_path / "structures.csv"
    # 0x81 and 0x8d are neither UTF-8 nor Windows-1252.
    path.write_bytes(
        HEADER.encode() + _padding(70_000).encode() + b"Atelier \x81\x8d;;association;;;;;94081;;;;\n"
    )
    with pytest.raises(CommandError, match="--encoding"):
        call_command("import_structures", str(path), "--format=csv")


def test_a_malformed_quote_rejects_its_row_and_never_swallows_the_next(tmp_path: Path, territory) -> None:  # noqa: ANN001
    path = tmp_path / "structures.csv"
    path.write_text(
        HEADER
        + _row("Rejoué")
        + '"Atelier mal cité;;association;;;Description;;94081;94081;;;\n'
        + _row("Vélo Solidaire")
        + _row("Ressourcerie")
        + _row("Multi-ligne", description='"Une description\nsur deux lignes"'),
        encoding="utf-8",
    )
    report = run_import(path, "csv", commit=True)
    names = set(Structure.objects.values_list("name", flat=True))
    assert {"Rejoué", "Vélo Solidaire", "Ressourcerie", "Multi-ligne"} <= names
    assert report.rejected == 1
    assert 3 in _reasons(path) and "guillemet" in _reasons(path)[3].lower()
    assert Structure.objects.get(name="Multi-ligne").description == "Une description\nsur deux lignes"


@pytest.mark.parametrize("commit", [False, True])
def test_the_check_rejects_what_the_database_refuses_and_the_commit_agrees(
    tmp_path: Path,
    territory,  # noqa: ANN001
    commit: bool,
) -> None:
    path = tmp_path / "structures.csv"
    path.write_text(
        HEADER
        + _row("Rejoué")
        + _row("Nom " + "x" * 250)
        + _row("Atelier\x00nul")
        + _row("Ressourcerie", description="Texte\x00avec un nul"),
        encoding="utf-8",
    )
    report = run_import(path, "csv", commit=commit)
    assert report.as_dict() == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 3, "excluded": 0}
    reasons = _reasons(path)
    assert set(reasons) == {3, 4, 5}
    assert "200 caractères" in reasons[3]
    assert "caractère nul" in reasons[4] and "caractère nul" in reasons[5]
    assert Structure.objects.count() == (1 if commit else 0)

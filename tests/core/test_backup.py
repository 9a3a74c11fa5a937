"""`essaim backup` and `essaim restore`: the drill an operator runs, and the refusals that protect data."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection

from essaim.core.backup import backup_create, backup_restore, table_row_counts
from essaim.core.errors import BackupError
from essaim.insight import store
from tests.directory.factories import make_structure
from tests.territory_support import make_small_territory

ROOT = Path(__file__).resolve().parents[2]
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MINUTES = b"%PDF-1.4 compte rendu du groupe de travail (prive)\n%%EOF\n"


@pytest.fixture
def on_disk(settings, tmp_path: Path) -> Path:
    """Storages and insight store in files, as in production (the tests otherwise keep them in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "essaim.core.private_files.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    settings.INSIGHT_DB = str(tmp_path / "insight.duckdb")
    con = store.connect(settings.INSIGHT_DB)
    con.execute("INSERT INTO ess_sirens VALUES ('443061841', true, false)")
    con.close()
    return tmp_path


def _small_world() -> None:
    make_small_territory()
    make_structure("Rejoué", commune="94081", description="Réemploi de jouets.")
    storages["default"].save("directory/photos/atelier.png", ContentFile(PHOTO))
    storages["private"].save("cooperation/documents/2026/12/0123456789abcdef", ContentFile(MINUTES))


def _checksums(*folders: Path) -> dict[str, str]:
    return {
        f"{folder.name}/{path.relative_to(folder)}": hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _counts_of(url: str) -> dict[str, int]:
    with psycopg.connect(url) as con:
        tables = [
            row[0]
            for row in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
            ).fetchall()
        ]
        return {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_drill_back_up_then_restore_into_a_new_database_and_media_folder(on_disk: Path) -> None:
    _small_world()
    counts = table_row_counts()
    manifest = backup_create(directory=on_disk / "sauvegarde")
    assert manifest["database"]["tables"] == counts and counts["directory_structure"] == 1
    assert set(manifest["files"]["private"]) == {"cooperation/documents/2026/12/0123456789abcdef"}

    db = connection.settings_dict
    base = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"{db['NAME']}_restored"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    restored = on_disk / "restored"
    try:
        environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=f"{base}/{name}",
            MEDIA_ROOT=str(restored / "media"),
            PRIVATE_MEDIA_ROOT=str(restored / "private"),
            INSIGHT_DB=str(restored / "insight.duckdb"),
        )
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "essaim", "restore", str(on_disk / "sauvegarde")],
            capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restauration vérifiée" in result.stdout

        # Checked here again, independently of the command's own check.
        assert _counts_of(f"{base}/{name}") == counts
        assert _checksums(restored / "media", restored / "private") == _checksums(
            on_disk / "media", on_disk / "private"
        )
        assert (restored / "insight.duckdb").read_bytes() == (on_disk / "insight.duckdb").read_bytes()

        # Restoring again over the restored database is refused unless asked for.
        again = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "essaim", "restore", str(on_disk / "sauvegarde")],
            capture_output=True, text=True, env=environment, cwd=ROOT, timeout=300,
        )  # fmt: skip
        assert again.returncode != 0 and "--remplacer" in again.stderr
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_damaged_or_unfinished_backup_is_refused_before_anything_is_touched(on_disk: Path) -> None:
    _small_world()
    folder = on_disk / "sauvegarde"
    manifest = backup_create(directory=folder)
    # The manifest counts the tables a restore is checked against (SQLite's internal tables excluded).
    assert manifest["database"]["tables"] == table_row_counts()
    with pytest.raises(BackupError, match="pas vide"):
        backup_create(directory=folder)
    photo = folder / "files" / "default" / "directory/photos/atelier.png"
    photo.write_bytes(b"abime")
    with pytest.raises(BackupError, match="abîmée"):
        backup_restore(directory=folder, replace=True)
    (folder / "manifest.json").unlink()
    with pytest.raises(BackupError, match="inachevée"):
        backup_restore(directory=folder, replace=True)
    assert json.dumps(manifest)  # the manifest is plain JSON
    with storages["default"].open("directory/photos/atelier.png") as photo_file:
        assert photo_file.read() == PHOTO  # nothing was touched

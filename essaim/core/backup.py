"""Back up and restore everything an instance holds: the database, the uploaded files of every storage
(public media and private uploads) and the insight store, with a manifest to check a restore against.

A backup is a folder:
    manifest.json        written last (a folder without it is an unfinished backup): when, which database,
                         the row count of every table, the size and SHA-256 of every file
    database.dump        PostgreSQL, `pg_dump --format=custom` (restored with `pg_restore`)
    database.sqlite3     SQLite, a consistent copy made with SQLite's backup API
    files/<storage>/...  every file of each storage of STORAGES but the static files, by its stored name
    insight.duckdb       the DuckDB insight store (absent when this server has none; it can be rebuilt from
                         the DECP files with `essaim decp_import`)

On PostgreSQL the row counts and the dump come from one snapshot (`pg_export_snapshot`), so they agree even
while the site is in use.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.utils import timezone

from .errors import BackupError

MANIFEST = "manifest.json"
FORMAT = 1
_CHUNK = 1 << 20


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    insight: bool = False
    mismatches: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _storage_aliases() -> list[str]:
    return sorted(alias for alias in settings.STORAGES if alias != "staticfiles")


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a storage nothing was ever saved to
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def _count_rows(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 (names from introspection)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def table_row_counts() -> dict[str, int]:
    """Rows of every table of the configured database (what a restore is compared with)."""
    with connection.cursor() as cursor:
        return _count_rows(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def _pg_environment() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode", ""),
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            f"Commande introuvable : {command[0]}. Installez les outils clients de PostgreSQL "
            "(paquet postgresql-client, de la version du serveur ou plus récente)."
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} a échoué : {error.stderr.strip()[-2000:]}") from error


def _backup_database(target: Path) -> dict[str, Any]:
    if connection.vendor == "postgresql":
        tables = connection.introspection.table_names()
        # A connection of its own: the snapshot must be the first thing of its transaction, whatever the
        # caller's connection is doing.
        snapshot_holder = connection.get_new_connection(connection.get_connection_params())
        try:
            with snapshot_holder.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _count_rows(cursor, tables, connection.ops.quote_name)
                _run(
                    ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                     f"--file={target / 'database.dump'}"],
                    _pg_environment(),
                )  # fmt: skip
                cursor.execute("COMMIT")
        finally:
            snapshot_holder.close()
        return {"vendor": "postgresql", "file": "database.dump", "tables": counts}
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:  # SQLite's backup would wait forever for our own open transaction
            raise BackupError("Une sauvegarde SQLite se fait hors transaction.")
        copy = target / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(copy)
        try:
            connection.connection.backup(destination)
            tables = [
                row[0]
                for row in destination.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
                ).fetchall()
            ]
            counts = _count_rows(
                destination.cursor(), tables, lambda name: '"' + name.replace('"', '""') + '"'
            )
        finally:
            destination.close()
        return {"vendor": "sqlite", "file": "database.sqlite3", "tables": counts}
    raise BackupError(f"Base de données non prise en charge : {connection.vendor}.")


def _backup_files(target: Path) -> dict[str, dict[str, dict[str, Any]]]:
    listed: dict[str, dict[str, dict[str, Any]]] = {}
    for alias in _storage_aliases():
        storage = storages[alias]
        listed[alias] = {}
        for name in sorted(_walk(storage)):
            path = target / "files" / alias / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, path.open("wb") as copy:
                shutil.copyfileobj(source, copy, _CHUNK)
            listed[alias][name] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
    return listed


def _backup_insight(target: Path) -> dict[str, Any] | None:
    source = str(settings.INSIGHT_DB)
    if source == ":memory:" or not Path(source).is_file():
        return None
    import duckdb  # only here: core does not depend on the insight app, only on its store's file

    try:  # a read-only connection keeps any writer out while the file is copied
        held = duckdb.connect(source, read_only=True)
    except duckdb.Error as error:
        raise BackupError(
            f"L'entrepôt d'analyse ({source}) est en cours d'écriture : relancez la sauvegarde après l'import."
        ) from error
    try:
        shutil.copyfile(source, target / "insight.duckdb")
    finally:
        held.close()
    copy = target / "insight.duckdb"
    return {"file": "insight.duckdb", "size": copy.stat().st_size, "sha256": sha256_of(copy)}


def backup_create(*, directory: Path) -> dict[str, Any]:
    """Write a backup of this instance into `directory` (new or empty) and return its manifest."""
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BackupError(
            f"Le dossier {target} n'est pas vide : choisissez un dossier neuf pour la sauvegarde."
        )
    target.mkdir(parents=True, exist_ok=True)
    database = _backup_database(target)
    database["sha256"] = sha256_of(target / database["file"])
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": database,
        "files": _backup_files(target),
        "insight": _backup_insight(target),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False))
    return manifest


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a finished backup, after checking every file of the backup against it."""
    source = Path(directory)
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(
            f"{source} ne contient pas de {MANIFEST} : sauvegarde inachevée ou mauvais dossier."
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')}.")
    expected = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    for alias, files in manifest["files"].items():
        expected.update({f"files/{alias}/{name}": meta["sha256"] for name, meta in files.items()})
    if manifest.get("insight"):
        expected[manifest["insight"]["file"]] = manifest["insight"]["sha256"]
    for relative, digest in expected.items():
        path = source / relative
        if not path.is_file() or sha256_of(path) != digest:
            raise BackupError(f"Sauvegarde abîmée : {relative} manque ou ne correspond pas au manifeste.")
    return manifest


def _restore_database(source: Path, database: dict[str, Any], *, replace: bool) -> None:
    if database["vendor"] != connection.vendor:
        raise BackupError(
            f"Sauvegarde {database['vendor']} : restaurez-la dans une base {database['vendor']}, "
            f"pas {connection.vendor}."
        )
    existing = connection.introspection.table_names()
    if existing and not replace:
        raise BackupError(
            f"La base {connection.settings_dict['NAME']} contient déjà {len(existing)} tables : restaurez dans "
            "une base neuve, ou ajoutez --remplacer pour l'écraser."
        )
    if connection.vendor == "postgresql":
        options = ["--clean", "--if-exists"] if existing else []
        connection.close()
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *options,
             f"--dbname={connection.settings_dict['NAME']}", str(source / database["file"])],
            _pg_environment(),
        )  # fmt: skip
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("Une base SQLite en mémoire ne peut pas être restaurée.")
    connection.close()
    backup = sqlite3.connect(source / database["file"])
    destination = sqlite3.connect(name)
    try:
        backup.backup(destination)
    finally:
        backup.close()
        destination.close()


def _restore_files(source: Path, files: dict[str, dict[str, dict[str, Any]]]) -> int:
    restored = 0
    for alias, listed in files.items():
        if alias not in settings.STORAGES:
            raise BackupError(f"La sauvegarde contient un stockage « {alias} » que ces réglages n'ont pas.")
        storage = storages[alias]
        for name in listed:
            if storage.exists(name):
                storage.delete(name)
            with (source / "files" / alias / name).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{alias}:{name} a été enregistré sous un autre nom ({saved}).")
            restored += 1
    return restored


def _restore_insight(source: Path, insight: dict[str, Any]) -> None:
    target = Path(str(settings.INSIGHT_DB))
    if str(target) == ":memory:":
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".restoring") as handle:
        temporary = Path(handle.name)
    shutil.copyfile(source / insight["file"], temporary)
    os.replace(temporary, target)  # readers see the old file or the new one, never half of it


def verify_restore(manifest: dict[str, Any]) -> list[str]:
    """What differs between this instance and the manifest: row counts by table, files by checksum."""
    mismatches = []
    counts = table_row_counts()
    for table, rows in manifest["database"]["tables"].items():
        if counts.get(table) != rows:
            mismatches.append(f"table {table} : {counts.get(table)} lignes au lieu de {rows}")
    for alias, listed in manifest["files"].items():
        storage = storages[alias]
        for name, meta in listed.items():
            digest = hashlib.sha256()
            try:
                with storage.open(name, "rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
            except FileNotFoundError:
                mismatches.append(f"fichier {alias}:{name} absent")
                continue
            if digest.hexdigest() != meta["sha256"]:
                mismatches.append(f"fichier {alias}:{name} différent")
    insight = manifest.get("insight")
    target = Path(str(settings.INSIGHT_DB))
    if (
        insight
        and str(target) != ":memory:"
        and (not target.is_file() or sha256_of(target) != insight["sha256"])
    ):
        mismatches.append("entrepôt d'analyse différent")
    return mismatches


def backup_restore(*, directory: Path, replace: bool = False) -> RestoreReport:
    """Restore the backup in `directory` into the configured database, storages and insight store, then
    compare every table's row count and every file's checksum with the manifest."""
    source = Path(directory)
    manifest = read_manifest(source)
    _restore_database(source, manifest["database"], replace=replace)
    report = RestoreReport(
        tables=len(manifest["database"]["tables"]), rows=sum(manifest["database"]["tables"].values())
    )
    report.files = _restore_files(source, manifest["files"])
    if manifest.get("insight"):
        _restore_insight(source, manifest["insight"])
        report.insight = True
    cache.clear()  # cached values (reference lists, sessions) belong to the data replaced
    report.mismatches = verify_restore(manifest)
    return report

"""Build the compact extract of @etalab/decoupage-administratif that Essaim commits (pure, no Django).

The extract keeps what Essaim uses and nothing else: régions, départements, current communes and municipal
arrondissements (not the delegated or associated communes), EPCI à fiscalité propre and the EPT of the
Métropole du Grand Paris with their member communes. Everything is sorted and gzipped with a zero
timestamp, so building twice from the same package gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
DATA_LICENCE = "Licence Ouverte / Open Licence (Etalab) ; code du paquet sous licence MIT"
FORMAT_VERSION = 1
KEPT_COMMUNE_TYPES = ("commune-actuelle", "arrondissement-municipal")


class ExtractError(ValueError):
    """The package data is not what the extract expects (a broken reference, a missing file)."""


def extract_filename(version: str) -> str:
    return f"decoupage-administratif-{version}.json.gz"


def _read(data_dir: Path, name: str) -> list[dict[str, Any]]:
    path = data_dir / name
    if not path.is_file():
        raise ExtractError(f"Fichier absent du paquet : {path}")
    with path.open(encoding="utf-8") as handle:
        rows = json.load(handle)
    if not isinstance(rows, list):
        raise ExtractError(f"{path} : une liste était attendue.")
    return rows


def _population(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


def build_extract(data_dir: Path, *, version: str) -> dict[str, Any]:
    """Read the package's `data/` directory and return the extract as plain JSON-able data."""
    regions = sorted(
        ({"code": r["code"], "name": r["nom"]} for r in _read(data_dir, "regions.json")), key=_code
    )
    region_codes = {r["code"] for r in regions}
    departements = sorted(
        (
            {"code": d["code"], "name": d["nom"], "region": d["region"]}
            for d in _read(data_dir, "departements.json")
        ),
        key=_code,
    )
    departement_codes = {d["code"] for d in departements}
    problems = [
        f"département {d['code']} : région {d['region']} inconnue"
        for d in departements
        if d["region"] not in region_codes
    ]

    communes: list[dict[str, Any]] = []
    for row in _read(data_dir, "communes.json"):
        if row.get("type") not in KEPT_COMMUNE_TYPES:
            continue
        commune: dict[str, Any] = {
            "code": row["code"],
            "name": row["nom"],
            "departement": row.get("departement"),
            "region": row.get("region"),
            "siren": row.get("siren", ""),
            "postal_codes": sorted(set(row.get("codesPostaux", []))),
            "population": _population(row.get("population")),
        }
        if row["type"] == "arrondissement-municipal":
            commune["parent"] = row["commune"]
        if commune["departement"] not in departement_codes:
            problems.append(f"commune {commune['code']} : département {commune['departement']} inconnu")
        if commune["region"] not in region_codes:
            problems.append(f"commune {commune['code']} : région {commune['region']} inconnue")
        communes.append(commune)
    communes.sort(key=_code)
    commune_codes = [c["code"] for c in communes]
    if len(set(commune_codes)) != len(commune_codes):
        problems.append("codes INSEE de communes en double")
    known = set(commune_codes)
    problems += [
        f"arrondissement {c['code']} : commune {c['parent']} inconnue"
        for c in communes
        if "parent" in c and c["parent"] not in known
    ]

    groupings: list[dict[str, Any]] = []
    for row in [*_read(data_dir, "epci.json"), *_read(data_dir, "ept.json")]:
        members = sorted({m["code"] for m in row["membres"]})
        problems += [f"EPCI {row['code']} : commune membre {m} inconnue" for m in members if m not in known]
        groupings.append(
            {
                "siren": row["code"],
                "name": row["nom"],
                "kind": row["type"],
                "population": _population(row.get("populationTotale")),
                "members": members,
            }
        )
    groupings.sort(key=lambda g: g["siren"])
    if len({g["siren"] for g in groupings}) != len(groupings):
        problems.append("SIREN d'EPCI en double")
    if problems:
        raise ExtractError("Données du paquet incohérentes :\n" + "\n".join(problems[:50]))
    return {
        "format": FORMAT_VERSION,
        "source": {"package": PACKAGE, "version": version, "licence": DATA_LICENCE},
        "regions": regions,
        "departements": departements,
        "communes": communes,
        "epci": groupings,
    }


def _code(row: dict[str, Any]) -> str:
    return str(row["code"])


def dump_extract(extract: dict[str, Any]) -> bytes:
    """Serialise deterministically: sorted keys, compact separators, gzip with mtime=0 and no file name."""
    payload = json.dumps(extract, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(payload)
    return buffer.getvalue()


def load_extract(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        extract = json.load(handle)
    if not isinstance(extract, dict) or extract.get("format") != FORMAT_VERSION:
        raise ExtractError(
            f"{path} n'est pas un extrait du découpage administratif au format {FORMAT_VERSION}."
        )
    return extract


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def summary_counts(extract: dict[str, Any]) -> dict[str, int]:
    communes: Iterable[dict[str, Any]] = extract["communes"]
    return {
        "regions": len(extract["regions"]),
        "departements": len(extract["departements"]),
        "communes": sum(1 for c in communes if "parent" not in c),
        "arrondissements": sum(1 for c in extract["communes"] if "parent" in c),
        "epci": sum(1 for g in extract["epci"] if g["kind"] != "EPT"),
        "ept": sum(1 for g in extract["epci"] if g["kind"] == "EPT"),
    }

"""Imports of structures: our CSV, SIRENE stock files, data·inclusion, GoGoCarto. Idempotent upserts.

Every format is read as a stream of `Candidate`s (or rejections with a reason in French), then written
through the services: a structure is found by (source, source_id), else by SIRET, and updated with the
import's field groups (groups the structure edited itself are left alone). A dry run does all the work in
a transaction that is rolled back, so its counts are exact.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from essaim.core.errors import DomainError
from essaim.territory.models import Commune, Perimeter, PerimeterCommune

from . import references, services
from .analysis import normalise, tokenize
from .models import Structure

FORMATS = ("csv", "sirene", "data-inclusion", "gogocarto")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Candidate:
    line: int
    raw: dict[str, Any]
    source: str
    source_id: str
    data: dict[str, Any]
    activities: list[services.ActivityInput] | None = None


@dataclass
class Rejection:
    line: int
    raw: dict[str, Any]
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split("|") if part.strip()]


# --- Our CSV -------------------------------------------------------------------------------------------


def open_text(path: Path) -> io.TextIOWrapper:
    """UTF-8 (with or without BOM), else Windows-1252."""
    with path.open("rb") as probe:
        sample = probe.read(1 << 16)
    try:
        sample.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return path.open(encoding=encoding, newline="")


def _dict_reader(handle: io.TextIOWrapper) -> csv.DictReader[str]:
    header = handle.readline()
    handle.seek(0)
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return csv.DictReader(handle, delimiter=delimiter)


def _kind_codes(values: list[str]) -> list[str]:
    by_upper = {code.upper(): code for code in references.INCLUSION_KINDS}
    return [by_upper.get(v.upper(), v) for v in values]


def read_csv(path: Path) -> Iterator[Candidate | Rejection]:
    with open_text(path) as handle:
        for line, row in enumerate(_dict_reader(handle), start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            name = row.get("name", "")
            if not name:
                yield Rejection(line, row, "Nom manquant.")
                continue
            commune = row.get("commune", "")
            if commune and (":" in commune or commune == "national"):
                yield Rejection(
                    line, row, f"La colonne commune attend un code INSEE de commune, pas « {commune} »."
                )
                continue
            works_in = _split(row.get("works_in")) or ([commune] if commune else [])
            activities = [
                services.ActivityInput(sector=slug, perimeters=tuple(works_in))
                for slug in _split(row.get("sectors"))
            ]
            siret = "".join(ch for ch in row.get("siret", "") if ch.isdigit())
            yield Candidate(
                line=line,
                raw=row,
                source="csv",
                source_id=siret or f"{normalise(name)}@{commune}",
                data={
                    "name": name,
                    "siret": siret,
                    "ess_families": [v.lower() for v in _split(row.get("ess_families"))],
                    "inclusion_kinds": _kind_codes(_split(row.get("kinds"))),
                    "description": row.get("description", ""),
                    "offers": row.get("offers", ""),
                    "commune": commune or None,
                    "email": row.get("email", ""),
                    "phone": row.get("phone", ""),
                    "website": row.get("website", ""),
                },
                activities=activities,
            )


# --- data·inclusion ---------------------------------------------------------------------------------

RESEAUX_TO_KIND = {code.lower(): code for code in references.INCLUSION_KINDS}
THEMATIQUE_TO_SECTOR = {
    "mobilite": "mobilite",
    "numerique": "numerique",
    "se-former": "formation",
    "trouver-un-emploi": "formation",
    "preparer-sa-candidature": "formation",
    "accompagnement-social-et-professionnel-personnalise": "services-personne",
    "sante": "services-personne",
    "famille": "services-personne",
    "equipement-et-alimentation": "alimentation",
    "logement-hebergement": "services-personne",
}


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if path.suffix.lower() == ".json":
        import ijson

        with path.open("rb") as handle:
            first = handle.read(1).strip()
            handle.seek(0)
            prefix = "item" if first == b"[" else "structures.item"
            for line, record in enumerate(ijson.items(handle, prefix), start=1):
                yield line, record
    else:
        with open_text(path) as handle:
            for line, row in enumerate(_dict_reader(handle), start=2):
                yield line, dict(row)


def read_data_inclusion(path: Path) -> Iterator[Candidate | Rejection]:
    for line, record in _records(path):
        name = str(record.get("nom") or "").strip()
        if not name or not record.get("id"):
            yield Rejection(line, record, "Structure sans nom ou sans identifiant.")
            continue
        reseaux = record.get("reseaux_porteurs") or []
        if isinstance(reseaux, str):
            reseaux = [r for r in reseaux.replace("|", ",").split(",")]
        kinds = sorted(
            {RESEAUX_TO_KIND[r.strip().lower()] for r in reseaux if r.strip().lower() in RESEAUX_TO_KIND}
        )
        thematiques = record.get("thematiques") or []
        if isinstance(thematiques, str):
            thematiques = thematiques.replace("|", ",").split(",")
        sectors = sorted(
            {
                THEMATIQUE_TO_SECTOR[t.split("--")[0].strip()]
                for t in thematiques
                if t.split("--")[0].strip() in THEMATIQUE_TO_SECTOR
            }
        )
        commune = str(record.get("code_insee") or "").strip()
        description = str(record.get("presentation_detail") or record.get("presentation_resume") or "")
        yield Candidate(
            line=line,
            raw=record,
            source="data-inclusion",
            source_id=f"{record.get('source') or 'inconnue'}:{record['id']}",
            data={
                "name": name,
                "siret": str(record.get("siret") or "").strip(),
                "inclusion_kinds": kinds,
                "description": description,
                "address": str(record.get("adresse") or ""),
                "postal_code": str(record.get("code_postal") or "")[:5],
                "commune": commune or None,
                "email": str(record.get("courriel") or ""),
                "phone": str(record.get("telephone") or ""),
                "website": str(record.get("site_web") or ""),
            },
            activities=[
                services.ActivityInput(sector=s, perimeters=(commune,) if commune else ()) for s in sectors
            ]
            or None,
        )


# --- GoGoCarto ----------------------------------------------------------------------------------------

# Category names of ESS maps (Carteco and others), normalised -> our sector. See docs/directory.md.
GOGOCARTO_CATEGORIES = {
    "alimentation": "alimentation",
    "alimentation et agriculture": "alimentation",
    "restauration": "alimentation",
    "agriculture urbaine": "nature-en-ville",
    "dechets": "biodechets",
    "compostage": "compostage",
    "mobilite": "mobilite",
    "velo": "velo",
    "culture": "culture-evenementiel",
    "culture et loisirs": "culture-evenementiel",
    "evenementiel": "evenementiel",
    "numerique": "numerique",
    "habitat": "batiment-travaux",
    "batiment": "batiment-travaux",
    "energie": "renovation-energetique",
    "environnement": "espaces-verts",
    "nature": "espaces-verts",
    "textile": "textile",
    "mode": "mode-durable",
    "reemploi": "reemploi",
    "recyclerie": "ressourcerie",
    "ressourcerie": "ressourcerie",
    "reparation": "reemploi",
    "jeux": "jeux-jouets",
    "education et formation": "formation",
    "formation": "formation",
    "sante": "services-personne",
    "solidarite": "services-personne",
    "communication": "communication",
}


def _place(name: str) -> str:
    return " ".join(tokenize(name))


def _commune_lookup() -> dict[tuple[str, str], str]:
    lookup: dict[tuple[str, str], str] = {}
    for code, name, postal_codes in Commune.objects.values_list("code", "name", "postal_codes"):
        for postal in postal_codes or []:
            lookup[(postal, _place(name))] = code
        lookup[("", _place(name))] = code
    return lookup


def read_gogocarto(path: Path) -> Iterator[Candidate | Rejection]:
    import ijson

    lookup = _commune_lookup()
    with path.open("rb") as handle:
        for line, element in enumerate(ijson.items(handle, "data.item"), start=1):
            name = str(element.get("name") or "").strip()
            if not name or not element.get("id"):
                yield Rejection(line, element, "Élément sans nom ou sans identifiant.")
                continue
            address = element.get("address") or {}
            locality = _place(str(address.get("addressLocality") or ""))
            postal = str(address.get("postalCode") or "").strip()
            commune = lookup.get((postal, locality)) or (lookup.get(("", locality)) if locality else None)
            categories = [
                c.get("name", "") if isinstance(c, dict) else str(c)
                for c in (element.get("categoriesFull") or element.get("categories") or [])
            ]
            sectors = sorted(
                {
                    GOGOCARTO_CATEGORIES[normalise(c).strip()]
                    for c in categories
                    if normalise(c).strip() in GOGOCARTO_CATEGORIES
                }
            )
            is_reuse = any(s in {"reemploi", "ressourcerie"} for s in sectors)
            yield Candidate(
                line=line,
                raw=element,
                source="gogocarto",
                source_id=str(element["id"]),
                data={
                    "name": name,
                    "description": str(element.get("description") or element.get("description_more") or ""),
                    "address": str(address.get("streetAddress") or ""),
                    "postal_code": postal[:5],
                    "commune": commune,
                    "email": str(element.get("email") or ""),
                    "phone": str(element.get("telephone") or ""),
                    "website": str(element.get("website") or ""),
                    "is_ressourcerie": is_reuse,
                },
                activities=[
                    services.ActivityInput(sector=s, perimeters=(commune,) if commune else ())
                    for s in sectors
                ]
                or None,
            )


# --- Writing ------------------------------------------------------------------------------------------


def _perimeter_communes(code: str) -> set[str]:
    if ":" not in code and code != "national":
        return {code}
    if not Perimeter.objects.filter(code=code).exists():
        raise DomainError(f"Périmètre inconnu : {code}.")
    return set(PerimeterCommune.objects.filter(perimeter__code=code).values_list("commune_id", flat=True))


def _keep_known_perimeters(candidate: Candidate, known: set[str]) -> None:
    """Activities may only point to perimeters that exist; a commune without its perimeter row is dropped."""
    if not candidate.activities:
        return
    candidate.activities = [
        services.ActivityInput(
            sector=a.sector,
            service_types=a.service_types,
            perimeters=tuple(p for p in a.perimeters if p == "national" or p in known),
            description=a.description,
        )
        for a in candidate.activities
    ]


def _upsert(candidate: Candidate, known_perimeters: set[str]) -> str:
    _keep_known_perimeters(candidate, known_perimeters)
    structure = Structure.objects.filter(source=candidate.source, source_id=candidate.source_id).first()
    siret = candidate.data.get("siret")
    if structure is None and siret:
        structure = Structure.objects.filter(siret=siret).first()
    if structure is None:
        services.structure_create(
            actor=None,
            data=candidate.data,
            activities=candidate.activities,
            status=Structure.Status.PUBLISHED,
            source=candidate.source,
            source_id=candidate.source_id,
        )
        return "created"
    result = services.structure_update(
        actor=None,
        structure=structure,
        data=candidate.data,
        activities=candidate.activities,
        source=candidate.source,
        source_id=candidate.source_id,
    )
    return "updated" if result.changed else "unchanged"


class _DryRun(Exception):
    pass


def run_import(
    path: Path,
    fmt: str,
    *,
    perimeter: str | None = None,
    commit: bool = False,
    establishments: Path | None = None,
    bulk: bool | None = None,
) -> ImportReport:
    """Import `path`. `bulk` (default: on for SIRENE) writes by batches (`bulk_import.py`), same results."""
    if fmt not in FORMATS:
        raise DomainError(f"Format inconnu : {fmt}.")
    communes = _perimeter_communes(perimeter) if perimeter else None
    report = ImportReport()
    if fmt == "csv":
        stream = read_csv(path)
    elif fmt == "sirene":
        from .sirene import read_sirene

        stream = read_sirene(path, establishments, communes)
    elif fmt == "data-inclusion":
        stream = read_data_inclusion(path)
    else:
        stream = read_gogocarto(path)
    known_perimeters = set(Perimeter.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            writer = None
            if bulk if bulk is not None else fmt == "sirene":
                from .bulk_import import BulkWriter

                writer = BulkWriter(report, known_perimeters)
            for item in stream:
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    continue
                commune = item.data.get("commune")
                if communes is not None and commune not in communes:
                    continue
                if writer is not None:
                    writer.add(item)
                    continue
                try:
                    with transaction.atomic():
                        outcome = _upsert(item, known_perimeters)
                except DomainError as error:
                    report.rejections.append(Rejection(item.line, item.raw, error.message))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
            if writer is not None:
                writer.finish()
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    report.rejected = len(report.rejections)
    write_rejections(path, report.rejections)
    return report


def rejections_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.rejets.csv")


def write_rejections(path: Path, rejections: list[Rejection]) -> None:
    target = rejections_path(path)
    if not rejections:
        target.unlink(missing_ok=True)
        return
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ligne", "motif", "donnees"])
        for rejection in rejections:
            writer.writerow(
                [rejection.line, rejection.reason, json.dumps(rejection.raw, ensure_ascii=False, default=str)]
            )

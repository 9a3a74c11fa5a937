"""Readers of the import formats other than SIRENE: our CSV, data·inclusion, GoGoCarto. Each yields
`Candidate`s or `Rejection`s (see `candidates`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from essaim.directory import references
from essaim.directory.search.analysis import normalise, tokenize
from essaim.directory.services import ActivityInput
from essaim.territory.models import Commune

from .candidates import Candidate, Rejection, csv_rows, open_text


def _split(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").split("|") if part.strip()]


# --- Our CSV -------------------------------------------------------------------------------------------


def _kind_codes(values: list[str]) -> list[str]:
    by_upper = {code.upper(): code for code in references.INCLUSION_KINDS}
    return [by_upper.get(v.upper(), v) for v in values]


def read_csv(path: Path, encoding: str | None = None) -> Iterator[Candidate | Rejection]:
    with open_text(path, encoding) as handle:
        for line, parsed, problem in csv_rows(handle):
            if parsed is None:
                yield Rejection(line, {}, problem)
                continue
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in parsed.items() if k}
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
                ActivityInput(sector=slug, perimeters=tuple(works_in)) for slug in _split(row.get("sectors"))
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


def _records(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict[str, Any], str]]:
    if path.suffix.lower() == ".json":
        with path.open("rb") as handle:
            first = handle.read(1).strip()
            handle.seek(0)
            prefix = "item" if first == b"[" else "structures.item"
            for line, record in enumerate(ijson.items(handle, prefix), start=1):
                yield line, record, ""
    else:
        with open_text(path, encoding) as handle:
            for line, row, problem in csv_rows(handle):
                yield line, row or {}, problem


def read_data_inclusion(path: Path, encoding: str | None = None) -> Iterator[Candidate | Rejection]:
    for line, record, problem in _records(path, encoding):
        if problem:
            yield Rejection(line, record, problem)
            continue
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
            activities=[ActivityInput(sector=s, perimeters=(commune,) if commune else ()) for s in sectors]
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
                    ActivityInput(sector=s, perimeters=(commune,) if commune else ()) for s in sectors
                ]
                or None,
            )

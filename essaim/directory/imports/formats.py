"""Readers of the import formats other than SIRENE: our CSV, data·inclusion, GoGoCarto. Each yields
`Candidate`s or `Rejection`s (see `candidates`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson
from stdnum.fr import siret as stdnum_siret

from essaim.directory import references
from essaim.directory.search.analysis import normalise, tokenize
from essaim.directory.services import ActivityInput
from essaim.territory.models import Commune

from .candidates import Candidate, Rejection, csv_rows, open_text
from .di_themes import THEMES


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

# The producing networks of `reseaux_porteurs` (schema v1, extra/reseaux-porteurs.json): a structure carried
# by none of them is a service for people (CCAS, mission locale…), out of a procurement directory's scope.
# network -> inclusion kind ("" when the network says "ESS producer" without a kind). See docs/directory.md.
PRODUCING_NETWORKS: dict[str, str] = {
    "aci": "ACI",
    "ai": "AI",
    "ei": "EI",
    "eiti": "EITI",
    "etti": "ETTI",
    "ea": "EA",
    "eatt": "EATT",
    "esat": "ESAT",
    "geiq": "GEIQ",
    "unea": "EA",
    "emmaus": "",
    "ressourceries": "",
    "chantier-ecole": "",
    "coorace": "",
    "inae": "",
}
RESSOURCERIE_NETWORKS = frozenset({"ressourceries"})
# Services' thématiques (a whole value, else its part before "--") -> sector. Unmapped themes are kept as
# words of the offer ("Thèmes : …"), never dropped. Table in docs/directory.md.
THEMATIQUE_TO_SECTOR = {
    "mobilite": "mobilite",
    "mobilite--entretenir-reparer-son-vehicule": "mobilite",
    "numerique": "numerique",
    "numerique--acquerir-un-equipement": "reconditionnement",
    "se-former": "formation",
    "trouver-un-emploi": "formation",
    "preparer-sa-candidature": "formation",
    "accompagnement-social-et-professionnel-personnalise": "services-personne",
    "sante": "services-personne",
    "famille": "services-personne",
    "equipement-et-alimentation": "alimentation",
    "equipement-et-alimentation--habillement": "textile",
    "logement-hebergement": "services-personne",
}
DI_SOURCE = "data-inclusion"


def _theme_sector(theme: str) -> str | None:
    theme = theme.strip()
    return THEMATIQUE_TO_SECTOR.get(theme) or THEMATIQUE_TO_SECTOR.get(theme.split("--")[0])


def _theme_label(theme: str) -> str:
    return THEMES.get(theme.strip(), theme.strip())


def _values(value: Any) -> list[str]:
    """A list field of data·inclusion: a JSON list, or a CSV cell separated by `|` or `,`."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value or "").replace("|", ",").split(",") if part.strip()]


def _json_prefix(path: Path) -> str:
    """Where the records are: a top-level array, else the pages' `items` (or the older `structures`)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    if head.startswith(b"["):
        return "item"
    return "structures.item" if b'"structures"' in head and b'"items"' not in head else "items.item"


def _records(path: Path, encoding: str | None = None) -> Iterator[tuple[int, dict[str, Any], str]]:
    if path.suffix.lower() == ".json":
        with path.open("rb") as handle:
            for line, record in enumerate(ijson.items(handle, _json_prefix(path)), start=1):
                yield line, record if isinstance(record, dict) else {}, ""
    else:
        with open_text(path, encoding) as handle:
            for line, row, problem in csv_rows(handle):
                yield line, row or {}, problem


@dataclass
class _Services:
    names: list[str]
    sectors: set[str]
    themes: list[str]  # unmapped, as labels


def read_data_inclusion_services(path: Path, encoding: str | None = None) -> dict[str, _Services]:
    """The services file, grouped by structure: key `structure_id` (and `source:structure_id`)."""
    grouped: dict[str, _Services] = {}
    for _line, record, problem in _records(path, encoding):
        if problem or not record.get("structure_id"):
            continue
        key = str(record["structure_id"]).strip()
        entry = grouped.setdefault(key, _Services([], set(), []))
        name = str(record.get("nom") or "").strip()
        if name and name not in entry.names:
            entry.names.append(name)
        for theme in _values(record.get("thematiques")):
            sector = _theme_sector(theme)
            if sector:
                entry.sectors.add(sector)
            elif _theme_label(theme) not in entry.themes:
                entry.themes.append(_theme_label(theme))
        if record.get("source"):
            grouped[f"{record['source']}:{key}"] = entry
    return grouped


def _offers(services: _Services | None) -> str:
    if services is None:
        return ""
    parts = []
    if services.names:
        parts.append("Services : " + " ; ".join(services.names) + ".")
    if services.themes:
        parts.append("Thèmes : " + " ; ".join(services.themes) + ".")
    return "\n".join(parts)


def read_data_inclusion(
    path: Path, encoding: str | None = None, services: Path | None = None
) -> Iterator[Candidate | Rejection]:
    """Structures of the data·inclusion schema v1 (JSON array or pages, or CSV), with their services."""
    offered = read_data_inclusion_services(services, encoding) if services is not None else {}
    for line, record, problem in _records(path, encoding):
        if problem:
            yield Rejection(line, record, problem)
            continue
        name = str(record.get("nom") or "").strip()
        if not name or not record.get("id"):
            yield Rejection(line, record, "Structure sans nom ou sans identifiant.")
            continue
        networks = [n.lower() for n in _values(record.get("reseaux_porteurs"))]
        producing = [n for n in networks if n in PRODUCING_NETWORKS]
        if not producing:
            what = f"réseaux porteurs : {', '.join(networks)}" if networks else "aucun réseau porteur"
            yield Rejection(
                line,
                record,
                f"Hors champ : pas une structure productrice de l'ESS ({what}).",
                excluded=True,
                source=DI_SOURCE,
                source_id=f"{str(record.get('source') or 'inconnue').strip()}:{record['id']}",
            )
            continue
        siret = "".join(ch for ch in str(record.get("siret") or "") if ch.isdigit())
        if not siret:
            yield Rejection(line, record, "SIRET manquant : une structure importée doit avoir un SIRET.")
            continue
        if not stdnum_siret.is_valid(siret):
            yield Rejection(line, record, f"SIRET invalide : {record.get('siret')}.")
            continue
        kinds = sorted({PRODUCING_NETWORKS[n] for n in producing if PRODUCING_NETWORKS[n]})
        commune = str(record.get("code_insee") or "").strip()
        source = str(record.get("source") or "inconnue").strip()
        services_of = offered.get(f"{source}:{record['id']}") or offered.get(str(record["id"]))
        # v1 carries `description`; the older shape had `presentation_detail` / `presentation_resume`.
        description = str(
            record.get("description")
            or record.get("presentation_detail")
            or record.get("presentation_resume")
            or ""
        ).strip()
        # Older files carried `thematiques` on the structure itself: read them the same way.
        sectors = set(services_of.sectors) if services_of else set()
        sectors |= {s for s in map(_theme_sector, _values(record.get("thematiques"))) if s}
        yield Candidate(
            line=line,
            raw=record,
            source=DI_SOURCE,
            source_id=f"{source}:{record['id']}",
            data={
                "name": name,
                "siret": siret,
                "inclusion_kinds": kinds,
                "is_ressourcerie": any(n in RESSOURCERIE_NETWORKS for n in producing),
                "description": description,
                "offers": _offers(services_of),
                "address": str(record.get("adresse") or ""),
                "postal_code": str(record.get("code_postal") or "")[:5],
                "commune": commune or None,
                "email": str(record.get("courriel") or ""),
                "phone": str(record.get("telephone") or ""),
                "website": str(record.get("site_web") or ""),
            },
            activities=[
                ActivityInput(sector=s, perimeters=(commune,) if commune else ()) for s in sorted(sectors)
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

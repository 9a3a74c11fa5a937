"""SIRENE stock files (INSEE `StockUniteLegale` and `StockEtablissement` CSV, several GB each), streamed.

Kept: active legal units flagged ESS (`economieSocialeSolidaireUniteLegale = O`) and their active head
office, optionally inside a set of communes. Memory holds one short string per kept legal unit (about
1.2 M nationally, ~250 MB), never the files. Lines are pre-filtered before CSV parsing (the ESS flag near
the end of a unit line, the SIREN at the start of an establishment line), which skips ~96 % of the rows
cheaply; lines holding a quote are always parsed.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from essaim.core.errors import DomainError
from essaim.directory import references, services
from essaim.directory.sector_mappings import sector_for_naf

from .candidates import Candidate, ImportReport, Rejection, open_text

SIRENE_UNIT_FIELDS = (
    "denominationUniteLegale", "denominationUsuelle1UniteLegale", "prenom1UniteLegale", "nomUniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale", "dateCreationUniteLegale",
    "statutDiffusionUniteLegale",
)  # fmt: skip
# Out of scope, counted per reason in the import report (not one row each: a national file has ~28 M).
NOT_ESS = "Hors champ : unité légale sans la qualité ESS (economieSocialeSolidaireUniteLegale ≠ O)"
CEASED = "Hors champ : unité légale cessée"
# Insee's terms of reuse: a partially diffusible unit or establishment (statutDiffusion… = P) has its
# person's name, address (beyond the commune) and location withheld; only these fields may be kept.
WITHHELD_MARK = "[ND]"
WITHHELD_ESTABLISHMENT_FIELDS = (
    "complementAdresseEtablissement", "numeroVoieEtablissement", "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement", "indiceRepetitionDernierNumeroVoieEtablissement",
    "typeVoieEtablissement", "libelleVoieEtablissement", "codePostalEtablissement",
    "distributionSpecialeEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement",
    "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
)  # fmt: skip
WITHHELD_PERSON_FIELDS = ("prenom1UniteLegale", "nomUniteLegale")
ESS_FLAG = "economieSocialeSolidaireUniteLegale"
_SEP = "\x1f"


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _sirene_name(unit: dict[str, str]) -> str:
    return (
        unit.get("denominationUniteLegale")
        or unit.get("denominationUsuelle1UniteLegale")
        or " ".join(p for p in (unit.get("prenom1UniteLegale"), unit.get("nomUniteLegale")) if p)
    ).strip()


def _unit_lines(lines: Iterable[str], delimiter: str, back: int, skipped: list[int]) -> Iterator[str]:
    """Lines whose ESS flag (the field `back` places before the end) may be "O"; `skipped[0]` counts the
    others."""
    for line in lines:
        if '"' in line or line.rstrip("\r\n").rsplit(delimiter, back + 1)[1:2] == ["O"]:
            yield line
        elif line.strip():
            skipped[0] += 1


def read_units(path: Path, excluded: dict[str, int] | None = None) -> dict[str, str]:
    """SIREN -> the kept fields of the active ESS legal units, joined in one string. `excluded` receives
    the number of units left out per reason (not ESS, ceased)."""
    kept: dict[str, str] = {}
    skipped = [0]
    not_ess = ceased = 0
    with open_text(path) as handle:
        header_line = handle.readline()
        delimiter = _delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter))
        index = {name: i for i, name in enumerate(header)}
        if "siren" not in index or ESS_FLAG not in index:
            raise DomainError(
                "Ce fichier n'est pas un stock des unités légales SIRENE (colonnes manquantes)."
            )
        siren_at, ess_at = index["siren"], index[ESS_FLAG]
        state_at = index.get("etatAdministratifUniteLegale")
        picks = [index.get(name) for name in SIRENE_UNIT_FIELDS]
        width = len(header)
        lines = _unit_lines(handle, delimiter, width - 1 - ess_at, skipped)
        for row in csv.reader(lines, delimiter=delimiter):
            if len(row) != width or row[ess_at] != "O":
                not_ess += 1
                continue
            if state_at is not None and row[state_at] != "A":
                ceased += 1
                continue
            kept[row[siren_at].strip()] = _SEP.join(row[i] if i is not None else "" for i in picks)
    if excluded is not None:
        for reason, count in ((NOT_ESS, not_ess + skipped[0]), (CEASED, ceased)):
            if count:
                excluded[reason] = excluded.get(reason, 0) + count
    return kept


def _unit(values: str) -> dict[str, str]:
    return dict(zip(SIRENE_UNIT_FIELDS, values.split(_SEP), strict=True))


def read_sirene(
    path: Path,
    establishments: Path | None = None,
    communes: set[str] | None = None,
    report: ImportReport | None = None,
    on_units: Callable[[int], None] | None = None,
) -> Iterator[Candidate | Rejection]:
    """Stream the unités légales (active, ESS-flagged), then their head offices from the établissements.
    The units left out (not ESS, ceased) are counted in `report.excluded_summary`."""
    kept = read_units(path, report.excluded_summary if report is not None else None)
    if on_units is not None:
        on_units(len(kept))  # how many candidates are to come (progress)
    if establishments is None:
        candidates = sorted(path.parent.glob("StockEtablissement*.csv"))
        establishments = candidates[0] if candidates else None
    if establishments is None:
        if communes is not None:
            raise DomainError(
                "Le filtre par périmètre demande le fichier des établissements (--etablissements)."
            )
        for line, (siren, values) in enumerate(kept.items(), start=1):
            yield _sirene_candidate(line, siren, _unit(values), {})
        return
    with open_text(establishments) as handle:
        header_line = handle.readline()
        delimiter = _delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter))
        line = 1
        for raw_line in handle:
            line += 1
            if raw_line[:9] not in kept and not raw_line.startswith('"'):
                continue
            row = next(csv.reader([raw_line], delimiter=delimiter), None)
            if not row:
                continue
            record = dict(zip(header, row, strict=False))
            siren = record.get("siren", "").strip()
            values = kept.get(siren)
            if values is None or record.get("etablissementSiege") != "true":
                continue
            if record.get("etatAdministratifEtablissement", "A") != "A":
                continue
            commune = record.get("codeCommuneEtablissement", "")
            if communes is not None and commune not in communes:
                continue
            yield _sirene_candidate(line, siren, _unit(values), record)


def _sirene_candidate(
    line: int, siren: str, unit: dict[str, str], establishment: dict[str, str]
) -> Candidate | Rejection:
    unit = {k: ("" if v.strip() == WITHHELD_MARK else v) for k, v in unit.items()}
    establishment = {k: ("" if v.strip() == WITHHELD_MARK else v) for k, v in establishment.items()}
    legal = unit.get("categorieJuridiqueUniteLegale", "")
    partial = "P" in (
        unit.get("statutDiffusionUniteLegale"),
        establishment.get("statutDiffusionEtablissement"),
    )
    if partial:
        # Only what the law lets a reuser publish: SIREN, SIRET, commune, activity — and the name of a
        # legal person (an association's name is no person's); a natural person's name is never kept.
        withheld = set(WITHHELD_ESTABLISHMENT_FIELDS) | set(WITHHELD_PERSON_FIELDS)
        establishment = {k: v for k, v in establishment.items() if k not in withheld}
        unit = {k: v for k, v in unit.items() if k not in withheld}
        if legal.startswith("1"):
            unit = {k: v for k, v in unit.items() if not k.startswith("denomination")}
    name = _sirene_name(unit)
    raw = {"siren": siren, **unit, **{k: v for k, v in establishment.items() if v}}
    if not name and partial:
        name = f"Entreprise à diffusion partielle (SIREN {siren})"
    if not name:
        return Rejection(line, raw, "Unité légale sans dénomination (données non diffusibles ?).")
    naf = unit.get("activitePrincipaleUniteLegale", "")
    commune = establishment.get("codeCommuneEtablissement", "")
    sector = sector_for_naf(naf)
    address = " ".join(
        p
        for p in (
            establishment.get("numeroVoieEtablissement"),
            establishment.get("typeVoieEtablissement"),
            establishment.get("libelleVoieEtablissement"),
        )
        if p
    )
    year = (unit.get("dateCreationUniteLegale") or "")[:4]
    return Candidate(
        line=line,
        raw=raw,
        source="sirene",
        source_id=siren,
        data={
            "name": name.title() if name.isupper() else name,
            "siret": establishment.get("siret", ""),
            "siren": siren,
            "legal_form_code": legal,
            "naf_code": naf.replace(".", ""),
            "year_founded": int(year) if year.isdigit() and 1800 <= int(year) else None,
            "ess_families": references.families_from_legal_form(legal, ess_flag=True),
            "address": address,
            "postal_code": establishment.get("codePostalEtablissement", ""),
            "commune": commune or None,
        },
        activities=[services.ActivityInput(sector=sector, perimeters=(commune,) if commune else ())]
        if sector
        else None,
    )

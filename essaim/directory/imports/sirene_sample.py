"""Synthetic SIRENE stock files for load tests: the real columns, ~5 % ESS units, ceased units, dirty rows.

`write_sample(out, units=N, communes=[...])` writes `StockUniteLegale_sample.csv` and
`StockEtablissement_sample.csv` (1 to 3 establishments per unit, one head office). SIREN and SIRET pass
the Luhn check except on purpose. Dirty rows (about 1 % of the ESS units): no name (non-diffusible),
a wrong SIRET key, an unknown commune, a creation year in the future, a duplicated unit line, names
with quotes, commas and accents.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

UNIT_COLUMNS = (
    "siren,statutDiffusionUniteLegale,unitePurgeeUniteLegale,dateCreationUniteLegale,sigleUniteLegale,"
    "sexeUniteLegale,prenom1UniteLegale,prenom2UniteLegale,prenom3UniteLegale,prenom4UniteLegale,"
    "prenomUsuelUniteLegale,pseudonymeUniteLegale,identifiantAssociationUniteLegale,trancheEffectifsUniteLegale,"
    "anneeEffectifsUniteLegale,dateDernierTraitementUniteLegale,nombrePeriodesUniteLegale,categorieEntreprise,"
    "anneeCategorieEntreprise,dateDebut,etatAdministratifUniteLegale,nomUniteLegale,nomUsageUniteLegale,"
    "denominationUniteLegale,denominationUsuelle1UniteLegale,denominationUsuelle2UniteLegale,"
    "denominationUsuelle3UniteLegale,categorieJuridiqueUniteLegale,activitePrincipaleUniteLegale,"
    "nomenclatureActivitePrincipaleUniteLegale,nicSiegeUniteLegale,economieSocialeSolidaireUniteLegale,"
    "societeMissionUniteLegale,caractereEmployeurUniteLegale"
).split(",")
ESTABLISHMENT_COLUMNS = (
    "siren,nic,siret,statutDiffusionEtablissement,dateCreationEtablissement,trancheEffectifsEtablissement,"
    "anneeEffectifsEtablissement,activitePrincipaleRegistreMetiersEtablissement,"
    "dateDernierTraitementEtablissement,etablissementSiege,nombrePeriodesEtablissement,"
    "complementAdresseEtablissement,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "dernierNumeroVoieEtablissement,indiceRepetitionDernierNumeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "libelleCommuneEtrangerEtablissement,distributionSpecialeEtablissement,codeCommuneEtablissement,"
    "codeCedexEtablissement,libelleCedexEtablissement,codePaysEtrangerEtablissement,"
    "libellePaysEtrangerEtablissement,identifiantAdresseEtablissement,coordonneeLambertAbscisseEtablissement,"
    "coordonneeLambertOrdonneeEtablissement,dateDebut,etatAdministratifEtablissement,enseigne1Etablissement,"
    "denominationUsuelleEtablissement,activitePrincipaleEtablissement,economieSocialeSolidaireEtablissement"
).split(",")
NAF = ["38.32Z", "88.99B", "81.30Z", "81.21Z", "56.10A", "56.21Z", "43.34Z", "47.79Z", "49.41A", "62.01Z",
       "85.59A", "90.01Z", "14.13Z", "95.29Z", "94.99Z", "88.10A", "01.13Z", "18.12Z", "73.11Z", "68.20B"]  # fmt: skip
ESS_LEGAL = ["9220"] * 12 + ["9221", "9222", "9230", "9300", "5458", "5459", "5560", "8210", "6317", "5710"]
OTHER_LEGAL = ["5710", "5499", "1000", "5720", "6540", "5499", "5710"]
WORDS = ("atelier réemploi solidaire jardins insertion recyclerie coopérative vélo textile traiteur services "
         "entretien bâtiment numérique culture jeux compost quartier accueil formation mobilité").split()  # fmt: skip
VOIES = [("RUE", "DES JARDINS"), ("AV", "DE LA REPUBLIQUE"), ("BD", "JEAN JAURES"), ("ALL", "DES TILLEULS")]


def _luhn_key(digits: str) -> str:
    """The last digit making `digits + key` pass the Luhn check."""
    for key in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(digits + key)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return key
    raise AssertionError  # pragma: no cover


def write_sample(out: Path, *, units: int, communes: list[str], seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)  # noqa: S311 - load data
    out.mkdir(parents=True, exist_ok=True)
    unit_path, est_path = out / "StockUniteLegale_sample.csv", out / "StockEtablissement_sample.csv"
    communes = communes or ["94081", "94041", "75101", "91027", "93066"]
    used: set[str] = set()
    with (
        unit_path.open("w", encoding="utf-8", newline="") as uh,
        est_path.open("w", encoding="utf-8", newline="") as eh,
    ):
        units_out, est_out = csv.writer(uh, lineterminator="\n"), csv.writer(eh, lineterminator="\n")
        units_out.writerow(UNIT_COLUMNS)
        est_out.writerow(ESTABLISHMENT_COLUMNS)
        for _ in range(units):
            body = f"{rng.randrange(10**7, 10**8):08d}"
            siren = body + _luhn_key(body)
            if siren in used:
                continue
            used.add(siren)
            ess = rng.random() < 0.05
            ceased = rng.random() < 0.08
            dirty = rng.random() < (0.2 if ess else 0.01)
            legal = rng.choice(ESS_LEGAL if ess else OTHER_LEGAL)
            naf = rng.choice(NAF)
            name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).upper()
            year = rng.randint(1901, 2025)
            flaw = (
                rng.choice(["noname", "siret", "commune", "future", "duplicate", "quotes"]) if dirty else ""
            )
            if flaw == "noname":
                name = ""
            elif flaw == "quotes":
                name = f'{name}, "LES AMIS" D\'ÉTÉ'
            elif flaw == "future":
                year = 2099
            heads = rng.randint(1, 3)
            nic_head = f"{rng.randrange(1, 9999):04d}"
            unit = dict.fromkeys(UNIT_COLUMNS, "")
            unit.update(
                siren=siren, statutDiffusionUniteLegale="P" if flaw == "noname" else "O",
                dateCreationUniteLegale=f"{year}-0{rng.randint(1, 9)}-01", trancheEffectifsUniteLegale=rng.choice(["", "01", "12", "21"]),
                dateDernierTraitementUniteLegale="2025-01-10T10:00:00", nombrePeriodesUniteLegale=str(rng.randint(1, 5)),
                dateDebut="2015-01-01", etatAdministratifUniteLegale="C" if ceased else "A",
                denominationUniteLegale=name, categorieJuridiqueUniteLegale=legal, activitePrincipaleUniteLegale=naf,
                nomenclatureActivitePrincipaleUniteLegale="NAFRev2", nicSiegeUniteLegale=nic_head + _luhn_key(siren + nic_head),
                economieSocialeSolidaireUniteLegale="O" if ess else rng.choice(["N", "N", "N", ""]),
                caractereEmployeurUniteLegale=rng.choice("ON"),
            )  # fmt: skip
            units_out.writerow(unit.values())
            if flaw == "duplicate":
                units_out.writerow(unit.values())
            for e in range(heads):
                nic_body = nic_head if e == 0 else f"{rng.randrange(1, 9999):04d}"
                siret_body = siren + nic_body
                siret = siret_body + _luhn_key(siret_body)
                if flaw == "siret" and e == 0:
                    siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
                voie = rng.choice(VOIES)
                row = dict.fromkeys(ESTABLISHMENT_COLUMNS, "")
                row.update(
                    siren=siren, nic=siret[9:], siret=siret, statutDiffusionEtablissement="O",
                    dateCreationEtablissement=f"{year}-01-01", dateDernierTraitementEtablissement="2025-01-10T10:00:00",
                    etablissementSiege="true" if e == 0 else "false", nombrePeriodesEtablissement="1",
                    numeroVoieEtablissement=str(rng.randint(1, 120)), typeVoieEtablissement=voie[0],
                    libelleVoieEtablissement=voie[1], codePostalEtablissement="94400",
                    codeCommuneEtablissement="99999" if flaw == "commune" and e == 0 else rng.choice(communes),
                    dateDebut="2015-01-01", etatAdministratifEtablissement="F" if ceased else "A",
                    activitePrincipaleEtablissement=naf, economieSocialeSolidaireEtablissement="O" if ess else "N",
                )  # fmt: skip
                est_out.writerow(row.values())
    return unit_path, est_path

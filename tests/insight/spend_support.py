"""A small spend world: a few directory structures with SIRENs and a buyer's spend file (CSV or XLSX).

Rejoué (443061841): association, ACI, in Vitry (the territory): ESS, inclusive, local ESS.
Net'Insertion (789456126): EI without an ESS family, in Ivry: inclusive only.
Imprimerie coopérative (512345679): SCOP in Créteil (outside the territory): ESS, not local.
424242428 is not in the directory; the bakery has no SIRET.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from essaim.directory.services import ActivityInput
from tests.directory.factories import ensure_sectors, make_structure
from tests.territory_support import make_small_territory

ROWS = [
    ["44306184100013", "Rejoué", "12\u00a0500,50", "15/03/2025"],
    ["44306184100013", "Rejoué", "7 499,50", "15/09/2025"],
    ["78945612600018", "Net'Insertion", "30 000,00", "01/06/2025"],
    ["51234567900017", "Imprimerie coopérative", "50 000", "01/02/2025"],
    ["42424242800011", "Grand Groupe SA", "100 000,00", "01/02/2025"],
    ["", "Boulangerie de la mairie", "1 000", ""],
    ["78945612600019", "SIRET faux", "10", "01/02/2025"],
    ["", "Fournisseur hors année", "10", "31/12/2024"],
]
TOTAL = 201_000.0


def make_spend_world() -> None:
    make_small_territory()
    ensure_sectors()
    make_structure(
        "Rejoué",
        siret="44306184100013",
        commune="94081",
        ess_families=["association"],
        inclusion_kinds=["ACI"],
        is_ressourcerie=True,
        activities=[ActivityInput(sector="jouets", perimeters=("94081",))],
    )
    make_structure(
        "Net'Insertion",
        siret="78945612600018",
        commune="94041",
        inclusion_kinds=["EI"],
        activities=[ActivityInput(sector="proprete", perimeters=("epci:200058014",))],
    )
    make_structure(
        "Imprimerie coopérative",
        siret="51234567900017",
        commune="94028",
        ess_families=["cooperative-scop"],
        activities=[ActivityInput(sector="communication", perimeters=("94028",))],
    )


def spend_csv(rows: list[list[str]] = ROWS, encoding: str = "cp1252") -> bytes:
    lines = ["SIRET;Raison sociale;Montant HT;Date facture", *[";".join(row) for row in rows]]
    return "\r\n".join(lines).encode(encoding)


def spend_xlsx(rows: list[list[str]] = ROWS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["siret", "supplier_name", "amount", "date"])
    for siret, name, amount, day in rows:
        number = float(amount.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        sheet.append([siret or None, name, number, day or None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

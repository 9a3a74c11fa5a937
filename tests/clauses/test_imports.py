"""`essaim clauses_import`: contracts and hours from CSV or XLSX, counts, rejections with their French
reasons, dry run by default, idempotence."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from essaim.accounts.models import Organisation
from essaim.clauses.imports import run_import
from essaim.clauses.models import Contract, Declaration, Mission, Participant
from essaim.core.models import AuditLog
from essaim.directory.imports import rejections_path

from .factories import siret_of

pytestmark = pytest.mark.django_db

BUYER = siret_of("219400819")  # Ville de Vitry-sur-Seine (SIREN from the territory data)
HOLDER = siret_of("732829320", 74)
OTHER_HOLDER = siret_of("552100554", 12)
CONTRACT_HEADER = (
    "reference,buyer_siret,holder_siret,title,legal_basis,amount_ht,labour_share,insertion_rate,"
    "hourly_cost,hours_owed,start,end"
)
HOURS_HEADER = (
    "contract_reference,participant_ref,eligibility,modality,month,hours,training_hours,sex,birth_year,qpv"
)


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def reasons(path: Path) -> dict[int, str]:
    with rejections_path(path).open(encoding="utf-8-sig", newline="") as handle:
        return {int(row["ligne"]): row["motif"] for row in csv.DictReader(handle, delimiter=";")}


def run(path: Path, kind: str, *, commit: bool) -> dict[str, int]:
    out = io.StringIO()
    call_command("clauses_import", str(path), "--kind", kind, *(["--commit"] if commit else []), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture
def contracts_file(tmp_path: Path) -> Path:
    return write(
        tmp_path / "marches.csv",
        CONTRACT_HEADER,
        [
            f"2025-TX-01,{BUYER},{HOLDER},Rénovation du groupe scolaire,condition-execution,1000000,0.5,0.05,30,,2025-01-01,2026-06-30",
            f'2025-EV-02,{BUYER},{OTHER_HOLDER},Entretien des espaces verts,marche-reserve,"180 000,00",0.6,0.1,25,500,2025-03-01,2027-02-28',
            f"2025-XX-03,{BUYER},12345678901234,SIRET faux,condition-execution,1000,0.5,0.05,30,,2025-01-01,2025-12-31",
            f"2025-XX-04,{BUYER},{HOLDER},Fondement inconnu,clause-verte,1000,0.5,0.05,30,,2025-01-01,2025-12-31",
            f"2025-XX-05,{BUYER},{HOLDER},Montant illisible,condition-execution,NC,0.5,0.05,30,,2025-01-01,2025-12-31",
            f"2025-XX-06,{BUYER},{HOLDER},Date illisible,condition-execution,1000,0.5,0.05,30,,01/01/2025,2025-12-31",
            f"2025-XX-07,{BUYER},{HOLDER},Taux en pourcentage,condition-execution,1000,50,0.05,30,,2025-01-01,2025-12-31",
            f"2025-DD-08,{BUYER},{HOLDER},Doublon A,condition-execution,1000,0.5,0.05,30,,2025-01-01,2025-12-31",
            f"2025-DD-08,{BUYER},{HOLDER},Doublon B,condition-execution,1000,0.5,0.05,30,,2025-01-01,2025-12-31",
        ],
    )


def test_dry_run_counts_exactly_writes_nothing_and_keeps_every_rejected_row(contracts_file: Path) -> None:
    organisations = Organisation.objects.count()
    assert run(contracts_file, "contracts", commit=False) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 7,
    }
    assert Contract.objects.count() == 0
    assert Organisation.objects.count() == organisations
    assert not AuditLog.objects.exists()
    found = reasons(contracts_file)
    assert sorted(found) == [4, 5, 6, 7, 8, 9, 10]
    assert "clé de contrôle incorrecte" in found[4]
    assert "legal_basis inconnu : « clause-verte »" in found[5]
    assert "amount_ht illisible : « NC »" in found[6]
    assert "start : date illisible « 01/01/2025 »" in found[7]
    assert "labour_share doit être un nombre décimal entre 0 et 1" in found[8]
    assert found[9] == found[10]
    assert "plusieurs lignes du fichier" in found[9]


def test_commit_creates_contracts_and_unknown_organisations_from_their_siret(contracts_file: Path) -> None:
    assert run(contracts_file, "contracts", commit=True)["created"] == 2
    works = Contract.objects.get(reference="2025-TX-01")
    assert works.hours_owed == 833  # 1 M€ × 50 % × 5 % ÷ 30 €
    assert not works.hours_owed_is_manual
    assert works.origin == Contract.Origin.IMPORT
    assert works.buyer.kind == Organisation.Kind.BUYER and works.buyer.name == BUYER
    assert works.holder.siret == HOLDER and works.holder.name == HOLDER
    green = Contract.objects.get(reference="2025-EV-02")
    assert green.amount_ht == 180000 and green.hours_owed == 500
    assert green.hours_owed_is_manual and green.hours_owed_reason  # 432 computed, 500 set in the file
    assert green.buyer == works.buyer


def test_a_second_import_is_unchanged_and_a_changed_row_updates(contracts_file: Path, tmp_path: Path) -> None:
    run(contracts_file, "contracts", commit=True)
    assert run(contracts_file, "contracts", commit=True) == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "rejected": 7,
    }
    changed = write(
        tmp_path / "avenant.csv",
        CONTRACT_HEADER,
        [
            f"2025-TX-01,{BUYER},{HOLDER},Rénovation du groupe scolaire,condition-execution,1200000,0.5,0.05,30,,2025-01-01,2026-06-30"
        ],
    )
    assert run(changed, "contracts", commit=True) == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "rejected": 0,
    }
    assert Contract.objects.get(reference="2025-TX-01").hours_owed == 1000
    assert not rejections_path(changed).exists()


def test_known_organisations_are_reused(contracts_file: Path, world) -> None:  # noqa: ANN001
    world.buyer_org.siret = BUYER
    world.buyer_org.save()
    run(contracts_file, "contracts", commit=True)
    assert Contract.objects.get(reference="2025-TX-01").buyer == world.buyer_org


def test_xlsx_file(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(CONTRACT_HEADER.split(","))
    sheet.append(
        ["2025-TX-09", BUYER, HOLDER, "Voirie", "condition-execution", 600000, 0.4, 0.05, 30, None]
        + [date(2025, 2, 1), date(2026, 1, 31)]
    )
    path = tmp_path / "marches.xlsx"
    book.save(path)
    assert run(path, "contracts", commit=True) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert Contract.objects.get(reference="2025-TX-09").hours_owed == 400


def test_missing_columns_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "marches.csv", "reference,title", ["A,B"])
    with pytest.raises(CommandError, match="Colonnes manquantes"):
        run(path, "contracts", commit=True)


# --- hours -------------------------------------------------------------------------------------------------


@pytest.fixture
def contract(contracts_file: Path) -> Contract:
    run(contracts_file, "contracts", commit=True)
    return Contract.objects.get(reference="2025-TX-01")


def hours_rows() -> list[str]:
    return [
        "2025-TX-01,P-0001,rsa,embauche-directe,2025-03,120,7,F,1990,oui",
        "2025-TX-01,P-0001,rsa,embauche-directe,2025-04,130.5,,F,1990,oui",
        '2025-TX-01,P-0002,deld,etti,2025-03,"80,5",0,M,1971,non',
        "2025-TX-99,P-0003,rsa,etti,2025-03,10,0,M,1971,non",
        "2025-TX-01,P-0004,rsa,etti,2024-12,10,0,M,1971,non",
        "2025-TX-01,P-0005,rsa,etti,2025-05,-3,0,M,1971,non",
        "2025-TX-01,P-0006,rsa,etti,2025-05,201,0,M,1971,non",
        "2025-TX-01,P-0007,chomeur,etti,2025-05,10,0,M,1971,non",
        "2025-TX-01,P-0008,rsa,cdi,2025-05,10,0,M,1971,non",
        "2025-TX-01,P-0009,rsa,etti,mai 2025,10,0,M,1971,non",
        "2025-TX-01,P-0010,rsa,etti,2025-05,10,0,X,1971,peut-être",
        "2025-TX-01,P-0011,rqth,ai-geiq,2025-05,10,0,M,1971,non",
        "2025-TX-01,P-0011,rqth,ai-geiq,2025-05,12,0,M,1971,non",
    ]


def test_hours_import_rejects_what_the_issue_lists(contract: Contract, tmp_path: Path) -> None:
    path = write(tmp_path / "heures.csv", HOURS_HEADER, hours_rows())
    assert run(path, "hours", commit=False) == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 10}
    assert not Declaration.objects.exists() and not Participant.objects.exists()
    found = reasons(path)
    assert "marché inconnu « 2025-TX-99 »" in found[5]
    assert "en dehors de l'exécution du marché" in found[6]
    assert "hours négatives" in found[7]
    assert "plus de 200 heures" in found[8]
    assert "eligibility inconnu : « chomeur »" in found[9]
    assert "modality inconnu : « cdi »" in found[10]
    assert "mois illisible « mai 2025 »" in found[11]
    assert "sex : F, M ou vide" in found[12] and "qpv : oui, non ou vide" in found[12]
    assert "plusieurs lignes du fichier" in found[13] and found[13] == found[14]


def test_hours_import_writes_participants_missions_and_months(contract: Contract, tmp_path: Path) -> None:
    path = write(tmp_path / "heures.csv", HOURS_HEADER, hours_rows())
    assert run(path, "hours", commit=True)["created"] == 3
    first = Participant.objects.get(reference="P-0001")
    assert (first.eligibility, first.sex, first.birth_year, first.qpv) == ("rsa", "F", 1990, True)
    assert first.eligibility_validated_on is not None
    assert not hasattr(first, "identity") or first.identity is None  # an import carries no identity
    mission = Mission.objects.get(participant=first, contract=contract)
    assert mission.modality == "embauche-directe"
    assert [(d.month, d.hours, d.training_hours) for d in mission.declarations.order_by("month")] == [
        (date(2025, 3, 1), 120, 7),
        (date(2025, 4, 1), 130.5, 0),
    ]
    statement = contract.statements.get(month=date(2025, 3, 1))
    assert statement.channel == "import" and statement.is_validated
    assert Declaration.objects.get(mission__participant__reference="P-0002").hours == 80.5


def test_hours_reimport_is_unchanged_and_a_stored_line_is_replaced(
    contract: Contract, tmp_path: Path
) -> None:
    path = write(tmp_path / "heures.csv", HOURS_HEADER, hours_rows())
    run(path, "hours", commit=True)
    assert run(path, "hours", commit=True) == {"created": 0, "updated": 0, "unchanged": 3, "rejected": 10}
    fix = write(
        tmp_path / "correction.csv",
        HOURS_HEADER,
        ["2025-TX-01,P-0001,rsa,embauche-directe,2025-03,110,7,F,1990,oui"],
    )
    assert run(fix, "hours", commit=True) == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    line = Declaration.objects.get(mission__participant__reference="P-0001", month=date(2025, 3, 1))
    assert line.hours == 110
    audit = AuditLog.objects.get(action="clauses.declaration.corrected")
    assert audit.data["hours"] == ["120.00", "110.00"] and audit.data["participant"] == "P-0001"
    modality = write(
        tmp_path / "modalite.csv",
        HOURS_HEADER,
        ["2025-TX-01,P-0001,rsa,etti,2025-03,110,7,F,1990,oui"],
    )
    assert run(modality, "hours", commit=True)["updated"] == 1


def test_run_import_refuses_an_unknown_kind(tmp_path: Path) -> None:
    from essaim.core.errors import DomainError

    with pytest.raises(DomainError):
        run_import(write(tmp_path / "x.csv", "a", ["b"]), "people")

"""Buyers' own spending: the import (CSV in Windows-1252 with French numbers, XLSX), its replacement, an
unknown buyer created from its SIRET, the commands' JSON contracts and the shares they compute."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from essaim.accounts.models import Organisation
from essaim.core.models import AuditLog
from essaim.insight import selectors, services
from essaim.insight.indicators import InsightError
from essaim.insight.models import SpendImport, SpendSupplier

from .spend_support import ROWS, TOTAL, make_spend_world, spend_csv, spend_xlsx

pytestmark = pytest.mark.django_db
VITRY = "21940081900013"


@pytest.fixture
def spend_file(tmp_path):
    make_spend_world()
    path = tmp_path / "depenses-vitry-2025.csv"
    path.write_bytes(spend_csv())
    return path


def run(*args, **options) -> dict:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return json.loads(out.getvalue())


def test_import_command_prints_its_counts_and_creates_an_unknown_buyer(spend_file) -> None:
    result = run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    assert result == {"rows": 8, "suppliers": 5, "matched": 3, "rejected": 2}
    buyer = Organisation.objects.get(siret=VITRY)
    assert buyer.kind == Organisation.Kind.BUYER
    record = SpendImport.objects.get(buyer=buyer, year=2025)
    assert record.total == Decimal(TOTAL) and not record.ttc
    assert [r["motif"] for r in record.rejected] == [
        "SIRET invalide : 78945612600019",
        "date du 31/12/2024, hors de l'année 2025",
    ]
    rejoue = SpendSupplier.objects.get(spend=record, siren="443061841")
    assert (rejoue.amount, rejoue.invoices, rejoue.structure.name) == (Decimal("20000.00"), 2, "Rejoué")
    assert AuditLog.objects.filter(action="spend.imported").count() == 1


def test_share_command_prints_the_json_contract(spend_file) -> None:
    run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    shares = run("spend_share", buyer=VITRY, year=2025, json=True)
    assert shares == {
        "total": TOTAL,
        "suppliers": 5,
        "ess": {"amount": 70000.0, "share": round(70000 / TOTAL, 4), "suppliers": 2},
        "inclusive": {"amount": 50000.0, "share": round(50000 / TOTAL, 4), "suppliers": 2},
        "local_ess": {"amount": 20000.0, "share": round(20000 / TOTAL, 4), "suppliers": 1},
    }


def test_a_new_import_replaces_that_buyer_years_previous_one(spend_file, tmp_path) -> None:
    run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    smaller = tmp_path / "v2.csv"
    smaller.write_bytes(spend_csv(ROWS[:1]))
    assert run("spend_import", str(smaller), buyer=VITRY, year=2025, ttc=True) == {
        "rows": 1,
        "suppliers": 1,
        "matched": 1,
        "rejected": 0,
    }
    assert SpendImport.objects.count() == 1 and SpendSupplier.objects.count() == 1
    assert SpendImport.objects.get().ttc
    assert Organisation.objects.filter(siret=VITRY).count() == 1


def test_an_xlsx_file_gives_the_same_figures(spend_file) -> None:
    buyer = services.spend_buyer(actor=None, siret=VITRY)
    record = services.spend_import(
        actor=None, buyer=buyer, year=2025, ttc=False, filename="depenses.xlsx", raw=spend_xlsx()
    )
    assert services.spend_counts(record) == {"rows": 8, "suppliers": 5, "matched": 3, "rejected": 2}
    assert selectors.spend_shares(record).ess.amount == Decimal("70000.00")


def test_the_buyer_of_a_known_siren_is_reused(spend_file, world) -> None:
    Organisation.objects.filter(pk=world.buyer_org.pk).update(siren="219400819")
    run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    assert SpendImport.objects.get().buyer == world.buyer_org


def test_shares_by_kind_and_sector_top_suppliers_under_40k_and_year_on_year(spend_file, tmp_path) -> None:
    previous = tmp_path / "2024.csv"
    previous.write_bytes(
        spend_csv([["44306184100013", "Rejoué", "5 000", "01/05/2024"], ["", "X", "95 000", ""]])
    )
    run("spend_import", str(previous), buyer=VITRY, year=2024)
    run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    shares = selectors.spend_shares(SpendImport.objects.get(year=2025))
    kinds = {b.key: (b.part.amount, b.part.suppliers) for b in shares.by_kind}
    assert kinds["siae"] == (Decimal("50000.00"), 2)
    assert kinds["ressourcerie"] == (Decimal("20000.00"), 1)
    assert kinds["cooperative-scop"] == (Decimal("50000.00"), 1)
    assert kinds["hors-annuaire"] == (Decimal("101000.00"), 2)
    sectors = {b.key: b.part.amount for b in shares.by_sector}
    assert sectors == {
        "communication": Decimal("50000.00"),
        "proprete": Decimal("30000.00"),
        "jeux-jouets": Decimal("20000.00"),
    }
    assert [line.name for line in shares.top["ess"]] == ["Imprimerie coopérative", "Rejoué"]
    # Under 40 000 € HT: Rejoué (20 000), Net'Insertion (30 000), the bakery (1 000).
    assert (shares.under_threshold.suppliers, shares.under_threshold.amount) == (3, Decimal("51000.00"))
    assert shares.under_threshold_ess.suppliers == 1
    assert shares.previous is not None and shares.previous.ess.share == 0.05


def test_a_ttc_file_compares_to_40000_euros_ht_plus_vat(spend_file, tmp_path) -> None:
    path = tmp_path / "ttc.csv"
    path.write_bytes(spend_csv([["", "A", "45 000", ""], ["", "B", "50 000", ""]]))
    run("spend_import", str(path), buyer=VITRY, year=2025, ttc=True)
    assert selectors.spend_shares(SpendImport.objects.get()).under_threshold.suppliers == 1  # 45 000 < 48 000


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"siret;nom\n1;2\n", "d.csv", "Colonne manquante : amount"),
        (b"%PDF", "d.pdf", "CSV ou XLSX"),
        (b"not a zip", "d.xlsx", "XLSX"),
        (b"", "d.csv", "vide"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_french_and_nothing_changes(
    spend_file, content, filename, message
) -> None:
    run("spend_import", str(spend_file), buyer=VITRY, year=2025)
    buyer = Organisation.objects.get(siret=VITRY)
    with pytest.raises(InsightError, match=message):
        services.spend_import(actor=None, buyer=buyer, year=2025, ttc=False, filename=filename, raw=content)
    assert SpendSupplier.objects.count() == 5  # the previous import stays


def test_commands_refuse_bad_input_in_french(spend_file) -> None:
    with pytest.raises(CommandError, match="SIRET"):
        run("spend_import", str(spend_file), buyer="123", year=2025)
    with pytest.raises(CommandError, match="Aucun import de dépenses"):
        run("spend_share", buyer=VITRY, year=2025, json=True)
    with pytest.raises(CommandError, match="introuvable"):
        run("spend_import", "/nope.csv", buyer=VITRY, year=2025)
    with pytest.raises(CommandError, match="année"):
        run("spend_import", str(spend_file), buyer=VITRY, year=1990)

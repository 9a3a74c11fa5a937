"""A buyer's spend file read row by row (pure: no database): French amounts, dates, rejected rows with
their reason, suppliers added up by SIREN or name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.insight import spending

HEADER = ["SIRET", "Fournisseur", "Montant TTC", "Date facture"]


def rows(*data: list[str], header: list[str] = HEADER):
    return [(1, header), *[(line, row) for line, row in enumerate(data, start=2)]]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12 500,50", "12500.50"),
        ("12\u00a0500,50", "12500.50"),
        ("12\u202f500,50 €", "12500.50"),
        ("1.234,56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("12500.5", "12500.50"),
        ("-350,00", "-350.00"),
        ("(350,00)", "-350.00"),
        ("42", "42.00"),
    ],
)
def test_french_amounts_are_read(raw, expected) -> None:
    assert spending.french_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "NC", "12,500,50", "douze", "1e5", "--3"])
def test_unreadable_amounts_are_none(raw) -> None:
    assert spending.french_amount(raw) is None


@given(cents=st.integers(min_value=-(10**13), max_value=10**13))
def test_an_amount_written_the_french_way_reads_back_the_same(cents) -> None:
    value = Decimal(cents) / 100
    euros, fraction = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u00a0")
    text = ("-" if cents < 0 else "") + f"{grouped},{fraction:02d}"
    assert spending.french_amount(text) == value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("2025-03-01 00:00:00", date(2025, 3, 1)),
        ("01/03/2025", date(2025, 3, 1)),
        ("1.3.2025", date(2025, 3, 1)),
        ("31/02/2025", None),
        ("mars 2025", None),
    ],
)
def test_dates(raw, expected) -> None:
    assert spending.parse_day(raw) == expected


def test_rows_of_one_supplier_are_added_up_and_bad_rows_rejected_with_their_reason() -> None:
    parsed = spending.aggregate(
        rows(
            ["44306184100013", "Rejoué", "12 500,50", "15/03/2025"],
            ["443 061 841 00013", "REJOUE SAS", "1 000,00", "2025-06-01"],
            ["", "Boulangerie du coin", "350", ""],
            ["", "boulangerie  du coin", "-50", ""],
            ["78945612600018", "Net'Insertion", "NC", "01/02/2025"],
            ["78945612600019", "Faux SIRET", "100", "01/02/2025"],
            ["51234567900017", "Hors année", "100", "01/02/2024"],
            ["51234567900017", "Date bizarre", "100", "demain"],
            ["", "", "100", ""],
            ["42424242800011", "Imprimerie", "", ""],
        ),
        year=2025,
    )
    assert parsed.rows == 10
    by_key = {s.key: s for s in parsed.suppliers}
    assert by_key["443061841"].amount == Decimal("13500.50") and by_key["443061841"].rows == 2
    assert by_key["443061841"].name == "Rejoué" and by_key["443061841"].siret == "44306184100013"
    assert by_key["nom:boulangerie du coin"].amount == Decimal("300.00")  # a credit note counts
    assert parsed.total == Decimal("13800.50")
    reasons = {r.line: r.reason for r in parsed.rejections}
    assert reasons == {
        6: "montant illisible : « NC »",
        7: "SIRET invalide : 78945612600019",
        8: "date du 01/02/2024, hors de l'année 2025",
        9: "date illisible : « demain »",
        10: "ni SIRET, ni SIREN, ni nom du fournisseur",
        11: "montant absent",
    }
    assert parsed.rejections[0].data["Fournisseur"] == "Net'Insertion"  # the row is kept


def test_a_siren_column_and_english_names_are_read() -> None:
    parsed = spending.aggregate(
        rows(
            ["443061841", "Rejoué", "10"], ["443061841", "", "5"], header=["siren", "supplier_name", "amount"]
        ),
        year=2025,
    )
    assert [(s.siren, s.amount, s.rows) for s in parsed.suppliers] == [("443061841", Decimal("15.00"), 2)]


def test_a_siret_of_another_siren_is_rejected() -> None:
    parsed = spending.aggregate(
        rows(["44306184100013", "789456126", "X", "10"], header=["siret", "siren", "nom", "montant"]),
        year=2025,
    )
    assert (
        parsed.rejections[0].reason == "le SIRET 44306184100013 n'est pas un établissement du SIREN 789456126"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["siret", "fournisseur"], "Colonne manquante : amount"),
        (["date", "montant"], "Colonnes manquantes : siret ou siren"),
    ],
)
def test_a_file_without_its_columns_is_refused_in_french(header, message) -> None:
    with pytest.raises(spending.SpendFileError, match=message):
        spending.aggregate(rows(header=header), year=2025)


@given(
    data=st.lists(
        st.tuples(
            st.sampled_from(["44306184100013", "78945612600018", "", "123", "51234567900017"]),
            st.text(max_size=12),
            st.one_of(st.text(max_size=12), st.decimals(-(10**6), 10**6, places=2).map(str)),
            st.sampled_from(["", "01/01/2025", "2024-12-31", "x"]),
        ),
        max_size=30,
    )
)
def test_every_row_is_either_counted_or_rejected_and_the_total_is_the_sum(data) -> None:
    parsed = spending.aggregate(rows(*[list(row) for row in data]), year=2025)
    assert sum(s.rows for s in parsed.suppliers) + len(parsed.rejections) == parsed.rows == len(data)
    assert parsed.total == sum((s.amount for s in parsed.suppliers), Decimal(0))
    assert len({s.key for s in parsed.suppliers}) == len(parsed.suppliers)

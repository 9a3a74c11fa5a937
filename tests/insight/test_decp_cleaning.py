"""The cleaning rules of decp_cleaning, one small dirty case at a time (pure: no database)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.core.dates import add_months
from essaim.insight import decp_cleaning as dc

TODAY = date(2026, 1, 1)


def marche(**fields):
    record = {
        "id": "M-1",
        "acheteur": {"id": "21940081100011"},
        "nature": "Marché",
        "codeCPV": "45000000-7",
        "dateNotification": "2025-03-10",
        "datePublicationDonnees": "2025-03-20",
        "montant": 1000.5,
        "titulaires": [{"titulaire": {"id": "44306184100047", "typeIdentifiant": "SIRET"}}],
    }
    record.update(fields)
    return record


def cleaned(raw, **kwargs):
    result = dc.clean(raw, today=TODAY, **kwargs)
    assert result.rejected is None, result.rejected
    assert result.record is not None
    return result.record


# --- amounts -------------------------------------------------------------------------------------


def test_amount_is_montant_when_there_is_no_modification():
    record = cleaned(marche(montant=1000.5))
    assert (record["amount"], record["amount_raw"], record["amount_outlier"]) == (1000.5, 1000.5, False)


def test_amount_of_the_modification_with_the_highest_id_wins():
    mods = [
        {"modification": {"id": 3, "montant": 3000.5}},
        {"modification": {"id": 1, "montant": 1000.5}},
        {"modification": {"id": 4, "dureeMois": 2}},  # no amount: ignored
    ]
    record = cleaned(marche(modifications=mods))
    assert record["amount"] == 3000.5
    assert record["modification_id"] == 3


def test_plain_list_modifications_are_read():
    record = cleaned(marche(modifications=[{"id": 1, "montant": 2222.5}]))
    assert record["amount"] == 2222.5


@pytest.mark.parametrize("amount", [0.5, 1, 99999, 999999999, 1e17, 3_000_000_001, 7777])
def test_absurd_amounts_are_outliers_kept_raw_but_not_summable(amount):
    record = cleaned(marche(montant=amount))
    assert record["amount_outlier"] is True
    assert record["amount"] is None
    assert record["amount_raw"] == float(amount)
    assert "amount_outlier" in record["flags"]


@pytest.mark.parametrize("amount", [1.5, 10, 1200, 3_000_000_000, 99998])
def test_plausible_amounts_are_not_outliers(amount):
    assert cleaned(marche(montant=amount))["amount"] == float(amount)


@pytest.mark.parametrize("amount", ["NC", "", None, "n/a", True, {"valeur": 3}])
def test_missing_amounts_count_as_outliers(amount):
    record = cleaned(marche(montant=amount))
    assert record["amount"] is None and record["amount_raw"] is None
    assert record["amount_outlier"] is True
    assert "amount_missing" in record["flags"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("12 500,50", 12500.5), ("1.234,5", 1234.5), ("2500.75", 2500.75)]
)
def test_amounts_written_as_text_are_read(raw, expected):
    assert cleaned(marche(montant=raw))["amount"] == expected


# --- dates, booleans, NC ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-10", date(2025, 3, 10)),
        ("2025-03-10+01:00", date(2025, 3, 10)),
        ("2025-03-10T08:00:00Z", date(2025, 3, 10)),
        ("10/03/2025", date(2025, 3, 10)),
    ],
)
def test_dates_in_several_formats(raw, expected):
    assert cleaned(marche(dateNotification=raw))["notified_on"] == expected


@pytest.mark.parametrize(
    "raw", ["0002-03-04", "5021-01-12", "1999-12-31", "2026-01-02", "2025-02-30", "demain", 42]
)
def test_impossible_dates_become_null_and_are_flagged(raw):
    record = cleaned(marche(dateNotification=raw))
    assert record["notified_on"] is None
    assert "notified_on_invalid" in record["flags"]


@pytest.mark.parametrize("raw", ["NC", "", None])
def test_missing_dates_are_null_without_flag(raw):
    record = cleaned(marche(datePublicationDonnees=raw))
    assert record["published_on"] is None
    assert "published_on_invalid" not in record["flags"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True),
        ("non", False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        (True, True),
        (0, False),
        ("peut-être", None),
        (None, None),
    ],
)
def test_booleans_are_normalised(raw, expected):
    assert cleaned(marche(marcheInnovant=raw))["innovative"] is expected


def test_nc_in_numeric_fields_becomes_null():
    record = cleaned(marche(dureeMois="NC", offresRecues="NC"))
    assert record["duration_months"] is None and record["offers_received"] is None


def test_impossible_duration_is_flagged():
    record = cleaned(marche(dureeMois=-3))
    assert record["duration_months"] is None
    assert "duration_invalid" in record["flags"]


# --- end date (the renewal radar) -------------------------------------------------------------------


def test_end_date_is_the_notification_plus_the_contract_duration():
    record = cleaned(marche(dateNotification="2025-03-10", dureeMois=24))
    assert record["duration_final_months"] == 24
    assert record["ends_on"] == date(2027, 3, 10)


def test_the_latest_modification_setting_a_duration_wins():
    record = cleaned(
        marche(
            dateNotification="2025-03-10",
            dureeMois=12,
            modifications=[
                {"modification": {"id": 1, "dureeMois": 18}},
                {"modification": {"id": 3, "montant": 2000}},
                {"modification": {"id": 2, "dureeMois": "30"}},
                {"modification": {"id": 4, "dureeMois": "NC"}},
            ],
        )
    )
    assert record["duration_months"] == 12  # the contract's own stays as published
    assert record["duration_final_months"] == 30
    assert record["ends_on"] == date(2027, 9, 10)


def test_end_date_day_is_clamped_to_the_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


@pytest.mark.parametrize(
    "fields",
    [
        {"dureeMois": "NC"},
        {"dureeMois": 0},
        {"dureeMois": -3},
        {"dateNotification": "5021-01-01", "dureeMois": 12},
        {"dateNotification": "", "dureeMois": 12},
    ],
)
def test_no_valid_date_or_duration_gives_no_end_date(fields):
    record = cleaned(marche(**fields))
    assert record["ends_on"] is None


def test_tabular_modification_duration_is_read():
    row = {
        "id": "T-3",
        "acheteur_id": "21940081100037",
        "dateNotification": "2025-01-15",
        "dureeMois": "12",
        "modification_dureeMois": "36",
        "modification_id": "1",
    }
    assert cleaned(row, tabular=True)["ends_on"] == date(2028, 1, 15)


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), months=st.integers(1, 600))
def test_end_date_is_always_later_and_the_right_number_of_months_away(start, months):
    ends = add_months(start, months)
    assert ends > start
    assert (ends.year - start.year) * 12 + ends.month - start.month == months
    assert ends.day <= start.day


# --- CPV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cpv", "purchase"),
    [
        ("45000000-7", "45000000", "travaux"),
        ("450000007", "45000000", "travaux"),
        ("71631300", "71631300", "services"),
        ("03000000-1", "03000000", "fournitures"),
        ("48000000-8", "48000000", "fournitures"),
        ("98000000-3", "98000000", "services"),
    ],
)
def test_cpv_root_and_purchase_type(raw, cpv, purchase):
    record = cleaned(marche(codeCPV=raw))
    assert (record["cpv"], record["cpv_division"], record["purchase_type"]) == (cpv, cpv[:2], purchase)
    assert "cpv_invalid" not in record["flags"]


@pytest.mark.parametrize("raw", ["4500000", "4500000-7", "ABCDEFGH", "99000000", "46000000-1"])
def test_invalid_cpv_is_null_and_flagged(raw):
    record = cleaned(marche(codeCPV=raw))
    assert record["cpv"] is None and record["purchase_type"] is None
    assert "cpv_invalid" in record["flags"]


# --- considerations -------------------------------------------------------------------------------


def test_wrapped_considerations():
    record = cleaned(
        marche(
            considerationsSociales={"considerationSociale": ["Clause sociale", "Critère social"]},
            considerationsEnvironnementales={"considerationEnvironnementale": ["Critère environnemental"]},
        )
    )
    assert record["social_clause"] and record["social_criterion"] and not record["reserved"]
    assert record["environmental_criterion"] and not record["environmental_clause"]
    assert not record["contradictory"]


def test_plain_list_and_single_string_considerations():
    record = cleaned(
        marche(
            considerationsSociales=["Marché réservé"],
            considerationsEnvironnementales="Clause environnementale",
        )
    )
    assert record["reserved"] and record["environmental_clause"]


def test_comma_joined_tabular_considerations():
    record = cleaned(marche(considerationsSociales="Clause sociale, Marché réservé"))
    assert record["social_clause"] and record["reserved"]


def test_none_with_a_value_counts_the_value_and_is_contradictory():
    record = cleaned(
        marche(
            considerationsSociales={
                "considerationSociale": ["Pas de considération sociale", "Clause sociale"]
            },
            considerationsEnvironnementales=["Pas de considération environnementale"],
        )
    )
    assert record["social_clause"] is True
    assert record["contradictory"] is True
    assert record["flags"] == ["social_contradictory"]


def test_environmental_contradiction_is_flagged_too():
    record = cleaned(
        marche(
            considerationsEnvironnementales=[
                "Pas de considération environnementale",
                "Critère environnemental",
            ]
        )
    )
    assert record["environmental_criterion"] and record["contradictory"]
    assert "environmental_contradictory" in record["flags"]


def test_none_alone_is_not_contradictory():
    record = cleaned(
        marche(considerationsSociales={"considerationSociale": ["Pas de considération sociale"]})
    )
    assert not (
        record["social_clause"] or record["social_criterion"] or record["reserved"] or record["contradictory"]
    )


# --- holders --------------------------------------------------------------------------------------


def test_wrapped_plain_nested_and_empty_holder_blocks():
    titulaires = [
        {"titulaire": {"id": "44306184100047", "typeIdentifiant": "SIRET"}},
        {"id": "78945612300018", "typeIdentifiant": "SIRET"},
        [{"id": "51234567800012", "typeIdentifiant": "siret"}],
        {},
        {"titulaire": {"id": "FR12345678901", "typeIdentifiant": "TVA"}},
        {"titulaire": {"id": "44306184100047", "typeIdentifiant": "SIRET"}},  # repeated
    ]
    holders = cleaned(marche(titulaires=titulaires))["holders"]
    assert [(h["id"], h["siren"]) for h in holders] == [
        ("44306184100047", "443061841"),
        ("78945612300018", "789456123"),
        ("51234567800012", "512345678"),
        ("FR12345678901", None),
    ]


def test_fourteen_digit_id_without_type_gives_a_siren():
    holders = cleaned(marche(titulaires=[{"id": "443 061 841 00047"}]))["holders"]
    assert holders[0]["siren"] == "443061841"


def test_short_siret_has_no_siren_and_is_flagged():
    record = cleaned(marche(titulaires=[{"titulaire": {"id": "214356", "typeIdentifiant": "SIRET"}}]))
    assert record["holders"][0]["siren"] is None
    assert "holder_siret_invalid" in record["flags"]


def test_junk_holder_entries_are_skipped():
    record = cleaned(marche(titulaires=[{"titulaire": "typeIdentifiant"}, {"titulaire": "id"}]))
    assert record["holders"] == []
    assert "holder_invalid" in record["flags"]


# --- rejection and kinds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("texte", "not_an_object"),
        ([1, 2], "not_an_object"),
        (marche(acheteur=None), "buyer_id_missing"),
        (marche(acheteur={"id": "NC"}), "buyer_id_missing"),
        (marche(acheteur=[{"id": "21940081100011"}]), "buyer_id_broken"),
        (marche(id=None), "id_missing"),
        (marche(id=""), "id_missing"),
        (marche(id={"value": 1}), "id_broken"),
    ],
)
def test_rejections(raw, reason):
    assert dc.clean(raw, today=TODAY) == dc.Cleaned(None, reason)


def test_old_flat_buyer_key_is_read():
    raw = marche()
    del raw["acheteur"]
    raw["acheteur.id"] = "21500222100012"
    assert cleaned(raw)["buyer_siret"] == "21500222100012"


def test_concession_is_recognised_and_uses_its_own_fields():
    record = cleaned(
        {
            "id": "DSP-1",
            "autoriteConcedante": {"id": "21940081100011"},
            "nature": "Concession de service",
            "dateSignature": "2025-01-15",
            "valeurGlobale": 2_500_000,
            "modifications": [{"modification": {"id": 1, "valeurGlobale": 2_600_000}}],
            "concessionnaires": [{"concessionnaire": {"id": "51234567800012", "typeIdentifiant": "SIRET"}}],
            "considerationsSociales": {"considerationSociale": ["Concession réservée"]},
        }
    )
    assert record["kind"] == "concession"
    assert record["amount"] == 2_600_000 and record["notified_on"] == date(2025, 1, 15)
    assert record["reserved"] and record["holders"][0]["siren"] == "512345678"


def test_marche_with_empty_concession_fields_stays_a_marche():
    record = cleaned(marche(autoriteConcedante="", concessionnaires="", valeurGlobale=0.0, _type="Marché"))
    assert record["kind"] == "marche"


def test_tabular_row():
    row = {
        "uid": "21940081100037T-2",
        "id": "",
        "acheteur_id": "21940081100037",
        "titulaire_id": "51234567800012",
        "titulaire_typeIdentifiant": "SIRET",
        "montant": "MQ",
        "codeCPV": "30192000-1",
        "dateNotification": "2025-08-01",
        "considerationsSociales": "Pas de considération sociale, Marché réservé",
        "dureeMois": "CDL",
        "lieuExecution_code": "94081",
        "modification_id": "",
    }
    record = cleaned(row, tabular=True)
    assert record["id"] == "T-2"
    assert record["amount_outlier"] and record["amount_raw"] is None
    assert record["reserved"] and record["contradictory"]
    assert record["duration_months"] is None and record["place_code"] == "94081"
    assert record["holders"] == [{"id": "51234567800012", "id_type": "SIRET", "siren": "512345678"}]


def test_tabular_integer_ids_get_their_leading_zero_back():
    row = {
        "id": "X",
        "acheteur_id": 5650171100115,
        "titulaire_id": 5650171100115,
        "titulaire_typeIdentifiant": "SIRET",
    }
    record = cleaned(row, tabular=True)
    assert record["buyer_siret"] == "05650171100115"
    assert record["holders"][0]["siren"] == "056501711"


# --- properties -----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["NC", "", "oui", "non", "0002-01-01", "5021-12-31", "45000000-7", "1e17", "999999999"]),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(amount=scalars)
def test_any_amount_never_crashes_and_outliers_are_never_summable(amount):
    record = cleaned(marche(montant=amount))
    if record["amount"] is not None:
        assert not record["amount_outlier"]
        assert dc.MIN_AMOUNT <= record["amount"] <= dc.MAX_AMOUNT
        assert not dc.is_outlier(record["amount"])
    else:
        assert record["amount_outlier"]


@given(value=scalars)
def test_any_date_never_crashes_and_is_possible(value):
    record = cleaned(marche(dateNotification=value, datePublicationDonnees=value))
    for day in (record["notified_on"], record["published_on"]):
        assert day is None or date(2000, 1, 1) <= day <= TODAY


@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "montant",
                "codeCPV",
                "dureeMois",
                "titulaires",
                "considerationsSociales",
                "considerationsEnvironnementales",
                "modifications",
                "lieuExecution",
                "offresRecues",
                "marcheInnovant",
                "nature",
                "objet",
                "_type",
                "valeurGlobale",
            ]
        ),
        json_values,
    )
)
def test_any_field_shape_never_crashes(fields):
    result = dc.clean(marche(**fields), today=TODAY)
    assert (result.record is None) != (result.rejected is None)


@given(raw=json_values)
def test_any_json_value_is_cleaned_or_rejected(raw):
    result = dc.clean(raw, today=TODAY)
    assert (result.record is None) != (result.rejected is None)

"""Import of DECP files into a DuckDB file: counts, idempotency, deduplication, rejected rows kept."""

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from essaim.insight import store
from essaim.insight.decp_import import DecpStream, import_files

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 1, 1)
ALL = [FIXTURES / name for name in ("wrapped.json", "plain.json", "tabular.csv", "bom.json")]


@pytest.fixture
def con(tmp_path):
    connection = store.connect(tmp_path / "insight.duckdb")
    yield connection
    connection.close()


def run(con, paths, **kwargs):
    return import_files(paths, con=con, today=TODAY, **kwargs).as_dict()


def contract(con, buyer, contract_id):
    cursor = con.execute("SELECT * FROM contracts WHERE buyer_siret = ? AND id = ?", [buyer, contract_id])
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip(columns, rows[0], strict=True))


def test_import_counts_every_record_once(con):
    report = run(con, ALL)
    assert report == {"read": 15, "new": 10, "updated": 0, "unchanged": 0, "duplicates": 2, "rejected": 3}
    assert con.execute("SELECT count(*) FROM contracts").fetchone() == (9,)
    assert con.execute("SELECT count(*) FROM concessions").fetchone() == (1,)


def test_reimporting_the_same_files_changes_nothing(con):
    run(con, ALL)
    before = con.execute("SELECT * FROM contracts ORDER BY buyer_siret, id").fetchall()
    report = run(con, ALL)
    assert report == {"read": 15, "new": 0, "updated": 0, "unchanged": 10, "duplicates": 2, "rejected": 3}
    assert con.execute("SELECT * FROM contracts ORDER BY buyer_siret, id").fetchall() == before
    assert con.execute("SELECT count(*) FROM rejected").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM import_runs").fetchone() == (2,)


def test_latest_publication_wins_within_a_file(con):
    run(con, [FIXTURES / "wrapped.json"])
    row = contract(con, "21940081100011", "2025-001")
    assert row["published_on"] == date(2025, 3, 20)
    assert row["amount"] == 100000


def test_later_publication_in_a_later_run_updates_and_an_older_one_does_not(con):
    first = run(con, [FIXTURES / "wrapped.json"])
    assert first == {"read": 8, "new": 5, "updated": 0, "unchanged": 0, "duplicates": 1, "rejected": 2}
    assert contract(con, "21940081100011", "2025-002")["amount"] == 70000  # modification id 2

    second = run(con, [FIXTURES / "plain.json"])
    assert second == {"read": 3, "new": 2, "updated": 1, "unchanged": 0, "duplicates": 0, "rejected": 0}
    assert contract(con, "21940081100011", "2025-002")["amount"] == 80000
    holders = con.execute("SELECT holder_id FROM contract_holders WHERE id = '2025-002'").fetchall()
    assert holders == [("78945612300018",)]  # the TVA holder of the older publication is gone

    third = run(con, [FIXTURES / "wrapped.json"])  # the older publication of 2025-002 comes back
    assert third == {"read": 8, "new": 0, "updated": 0, "unchanged": 4, "duplicates": 2, "rejected": 2}
    assert contract(con, "21940081100011", "2025-002")["amount"] == 80000


def test_outliers_and_repairs_are_stored_with_flags(con):
    run(con, ALL)
    row = contract(con, "21940081100029", "2025-003")
    assert (row["amount_raw"], row["amount"], row["amount_outlier"]) == (999999999, None, True)
    assert row["cpv"] is None and "cpv_invalid" in row["flags"]
    assert row["contradictory"] and row["has_social"] and row["holders_count"] == 0
    p2 = contract(con, "21940081100011", "P-2")
    assert p2["notified_on"] is None and p2["published_on"] is None and p2["amount_outlier"]
    assert p2["cpv"] == "45000000" and p2["purchase_type"] == "travaux"
    p1 = contract(con, "21940081100011", "P-1")
    assert p1["amount"] == 12500.5 and p1["notified_year"] == 2025


def test_tabular_rows_of_one_contract_are_grouped(con):
    report = run(con, [FIXTURES / "tabular.csv"])
    assert report == {"read": 3, "new": 2, "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": 1}
    t1 = contract(con, "21940081100037", "T-1")
    assert t1["amount"] == 25000 and t1["modification_id"] == 1 and t1["holders_count"] == 2
    assert t1["innovative"] is True
    t2 = contract(con, "21940081100037", "T-2")
    assert t2["reserved"] and t2["contradictory"] and t2["amount_outlier"]


def test_parquet_with_the_csv_columns_is_imported(con, tmp_path):
    parquet = tmp_path / "tabular.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{FIXTURES / 'tabular.csv'}')) TO '{parquet}' (FORMAT parquet)")  # noqa: S608
    report = run(con, [parquet])
    assert report == {"read": 3, "new": 2, "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": 1}
    t1 = contract(con, "21940081100037", "T-1")
    assert t1["amount"] == 25000 and t1["notified_on"] == date(2025, 7, 1) and t1["holders_count"] == 2


def test_rejected_records_are_kept_with_reason_raw_text_and_position(con):
    run(con, ALL)
    rows = con.execute(
        "SELECT source_file, position, reason, raw FROM rejected ORDER BY source_file, position"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("tabular.csv", 4, "buyer_id_missing"),
        ("wrapped.json", 5, "buyer_id_missing"),
        ("wrapped.json", 6, "not_an_object"),
    ]
    assert json.loads(rows[1][3])["id"] == "sans-acheteur"


def test_broken_file_is_reported_and_the_next_file_is_imported(con):
    report = run(con, [FIXTURES / "broken.json", FIXTURES / "bom.json"])
    assert report["new"] == 3  # B-1 and B-2 read before the break, BOM-1 from the next file
    assert report["rejected"] == 1
    reason = con.execute("SELECT reason, position FROM rejected").fetchone()
    assert reason[0].startswith("file_broken") and reason[1] == 2


def test_bom_and_bare_nan_are_tolerated(con):
    report = run(con, [FIXTURES / "bom.json"])
    assert report["new"] == 1 and report["rejected"] == 0
    assert contract(con, "21750001600019", "BOM-1")["duration_months"] is None


def test_missing_file_is_rejected_not_fatal(con, tmp_path):
    report = run(con, [tmp_path / "absent.json", FIXTURES / "bom.json"])
    assert report["new"] == 1 and report["rejected"] == 1


def test_parallel_staging_gives_the_same_store(con, tmp_path):
    run(con, ALL, workers=2)
    other = store.connect(tmp_path / "other.duckdb")
    run(other, ALL, workers=1)
    query = "SELECT * EXCLUDE (imported_at) FROM contracts ORDER BY buyer_siret, id"
    assert con.execute(query).fetchall() == other.execute(query).fetchall()
    other.close()


def test_concession_key_split_across_reads_is_renamed():
    import io

    stream = DecpStream(io.BytesIO(b'\xef\xbb\xbf{"marches": {"contrat-concession" : [1, NaN]}}'))
    data = b""
    while chunk := stream.read(5):
        data += chunk
    assert data == b'{"marches": {"marche" : [1, null]}}'


def test_ijson_reader_gives_the_same_store(con, tmp_path):
    run(con, ALL + [FIXTURES / "broken.json"], json_reader="scan")
    other = store.connect(tmp_path / "ijson.duckdb")
    run(other, ALL + [FIXTURES / "broken.json"], json_reader="ijson")
    query = "SELECT * EXCLUDE (imported_at) FROM contracts ORDER BY buyer_siret, id"
    assert con.execute(query).fetchall() == other.execute(query).fetchall()
    other.close()


def test_end_dates_are_stored_from_the_latest_modification_that_sets_a_duration(con, tmp_path):
    path = tmp_path / "durations.json"
    base = {
        "acheteur": {"id": "21940081100011"},
        "codeCPV": "90910000",
        "dateNotification": "2025-02-01",
        "datePublicationDonnees": "2025-02-10",
        "montant": 50000,
    }
    path.write_text(
        json.dumps(
            {
                "marches": [
                    {**base, "id": "D-1", "dureeMois": 12},
                    {
                        **base,
                        "id": "D-2",
                        "dureeMois": 12,
                        "modifications": [{"modification": {"id": 1, "dureeMois": 24}}],
                    },
                    {**base, "id": "D-3", "dureeMois": "NC"},
                ]
            }
        )
    )
    run(con, [path])
    ends = dict(con.execute("SELECT id, ends_on FROM contracts ORDER BY id").fetchall())
    assert ends == {"D-1": date(2026, 2, 1), "D-2": date(2027, 2, 1), "D-3": None}


def test_a_store_built_before_the_end_dates_gains_the_columns_and_a_reimport_fills_them(tmp_path):
    path = tmp_path / "old.duckdb"
    con = store.connect(path)
    run(con, [FIXTURES / "wrapped.json"])
    con.execute("ALTER TABLE contracts DROP COLUMN ends_on")
    con.execute("ALTER TABLE contracts DROP COLUMN duration_final_months")
    con.execute("UPDATE contracts SET content_hash = 0")  # the hash an older version wrote
    con.close()
    con = store.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM contracts WHERE ends_on IS NULL").fetchone() == (4,)
        report = run(con, [FIXTURES / "wrapped.json"])
        assert report["updated"] == 4 and report["new"] == 0
        dated = con.execute("SELECT count(*) FROM contracts WHERE ends_on IS NOT NULL").fetchone()
        with_duration = con.execute(
            "SELECT count(*) FROM contracts WHERE duration_final_months > 0 AND notified_on IS NOT NULL"
        ).fetchone()
        assert dated == with_duration and dated[0] >= 2
    finally:
        con.close()

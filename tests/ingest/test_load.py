"""Loading files: the tiny store's answers, quarantine reasons, idempotence, returns,
whole-file errors, CSV and Parquet alike."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from offers.ingest import IngestError, ingest_file
from tests.conftest import BROKEN, TINY, scalar


def test_tiny_store_loads_whole(tiny_store: duckdb.DuckDBPyConnection) -> None:
    con = tiny_store
    assert scalar(con, "SELECT count(*) FROM product") == 13
    assert scalar(con, "SELECT count(*) FROM product WHERE brand_type = 'national'") == 6
    assert scalar(con, "SELECT count(*) FROM household") == 5
    assert scalar(con, "SELECT count(*) FROM household_card") == 6
    assert scalar(con, "SELECT count(*) FROM household_contact") == 5
    assert scalar(con, "SELECT list(household_id) FROM household WHERE opted_out") == [5]
    assert scalar(con, "SELECT count(*) FROM scan_line") == 101
    assert scalar(con, "SELECT count(*) FROM quarantine") == 0


def test_tiny_store_spend_per_household_matches_the_answers(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    spend = dict(
        tiny_store.execute(
            "SELECT household_id, sum(amount_paid) FROM scan_line GROUP BY 1"
        ).fetchall()
    )
    assert spend == {
        1: Decimal("238.00"),
        2: Decimal("226.00"),
        3: Decimal("92.00"),
        4: Decimal("200.00"),
        5: Decimal("94.00"),
    }
    lines = dict(
        tiny_store.execute("SELECT household_id, count(*) FROM scan_line GROUP BY 1").fetchall()
    )
    assert lines == {1: 29, 2: 26, 3: 14, 4: 24, 5: 8}


def test_a_return_is_a_real_line_marked_as_a_return(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    returns = tiny_store.execute(
        "SELECT basket_id, product_id, quantity, amount_paid FROM scan_line WHERE is_return"
    ).fetchall()
    assert returns == [(1009, 701, -1, Decimal("-10.00"))]


def test_names_in_any_script_are_kept(tiny_store: duckdb.DuckDBPyConnection) -> None:
    names = dict(tiny_store.execute("SELECT household_id, name FROM household_contact").fetchall())
    assert names[2] == "王芳"
    assert names[3] == "José Núñez"


def test_loading_the_same_content_twice_adds_nothing(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    copy = tmp_path / "same_scans_other_name.csv"
    shutil.copy(TINY / "scans.csv", copy)
    for path in (TINY / "scans.csv", copy):
        result = ingest_file(tiny_store, "scans", path)
        assert result.already_loaded
        assert result.rows_loaded == 0
    assert scalar(tiny_store, "SELECT count(*) FROM scan_line") == 101
    assert scalar(tiny_store, "SELECT count(*) FROM ingested_file") == 3


def test_lines_already_loaded_from_another_file_are_duplicates(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # A different file (one line changed) that repeats the tiny store's baskets.
    lines = (TINY / "scans.csv").read_text().splitlines()
    lines[1] = lines[1].replace(",3.50,", ",3.49,")
    overlap = tmp_path / "overlap.csv"
    overlap.write_text("\n".join(lines) + "\n")
    result = ingest_file(tiny_store, "scans", overlap)
    assert (result.rows_read, result.rows_loaded) == (101, 0)
    assert result.quarantined_by_reason == {"duplicate_line": 101}
    assert "in the warehouse" in result.examples[0]


EXPECTED_SCAN_QUARANTINE = [
    (3, "quantity", "two", "unparseable_value"),
    (4, "basket_id", None, "missing_value"),
    (5, "product_id", "999", "unknown_product"),
    (6, "household_id", "77", "missing_household"),
    (7, "timestamp", "2031-01-01 10:00:00", "impossible_timestamp"),
    (8, "timestamp", "1985-06-01 10:00:00", "impossible_timestamp"),
    (9, "timestamp", "03/01/2017 10:00", "unparseable_value"),
    (10, "product_id", "201", "duplicate_line"),
    (11, None, "extra", "malformed_row"),
    (13, "amount_paid", "$3.50", "unparseable_value"),
    (14, "household_id", None, "missing_household"),
]


def test_each_bad_scan_row_is_quarantined_with_its_reason(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    result = ingest_file(tiny_store, "scans", BROKEN / "scans_bad_rows.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (13, 2, 11)
    rows = tiny_store.execute(
        "SELECT row_number, field, value, reason FROM quarantine ORDER BY row_number"
    ).fetchall()
    assert rows == EXPECTED_SCAN_QUARANTINE
    loaded = tiny_store.execute(
        "SELECT basket_id, quantity, is_return FROM scan_line WHERE basket_id > 9000 ORDER BY 1"
    ).fetchall()
    assert loaded == [(9001, 1, False), (9008, -1, True)]


def test_quarantine_messages_name_the_problem_in_plain_words(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    ingest_file(tiny_store, "scans", BROKEN / "scans_bad_rows.csv")
    messages = dict(tiny_store.execute("SELECT row_number, message FROM quarantine").fetchall())
    assert messages[3] == "the quantity 'two' is not a whole number of units"
    assert messages[4] == "the basket id is empty"
    assert messages[5] == "product 999 is not in the product list (load its products file first)"
    assert messages[8] == "the timestamp 1985-06-01 10:00:00 is before 1990-01-01"
    assert messages[7] == "the timestamp 2031-01-01 10:00:00 is in the future"
    assert messages[13] == "the amount paid '$3.50' is not an amount in dollars like 3.49"


def test_bad_product_and_household_rows(tiny_store: duckdb.DuckDBPyConnection) -> None:
    products = ingest_file(tiny_store, "products", BROKEN / "products_bad.csv")
    households = ingest_file(tiny_store, "households", BROKEN / "households_bad.csv")
    assert (products.rows_loaded, products.rows_quarantined) == (1, 4)
    assert (households.rows_loaded, households.rows_quarantined) == (1, 4)
    reasons = tiny_store.execute(
        "SELECT kind, row_number, field, reason FROM quarantine ORDER BY kind, row_number"
    ).fetchall()
    assert reasons == [
        ("households", 2, "card_numbers", "card_in_use"),
        ("households", 3, "opted_out", "unparseable_value"),
        ("households", 4, "store_id", "unparseable_value"),
        ("households", 6, "household_id", "duplicate_line"),
        ("products", 2, "brand_type", "unparseable_value"),
        ("products", 3, "product_id", "missing_value"),
        ("products", 5, "product_id", "duplicate_line"),
        ("products", 6, "manufacturer_id", "unparseable_value"),
    ]
    assert scalar(tiny_store, "SELECT brand_type FROM product WHERE product_id = 802") == "store"
    # The card of household 1 stays with household 1.
    owner = "SELECT household_id FROM household_card WHERE card_number = '4000000000011'"
    assert scalar(tiny_store, owner) == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scans_missing_column.csv", "has no column 'quantity'"),
        ("empty.csv", "the file is empty"),
        ("not_a_table.parquet", "not a readable Parquet file"),
        ("no_such_file.csv", "no such file"),
    ],
)
def test_a_file_that_cannot_be_read_writes_nothing(
    tiny_store: duckdb.DuckDBPyConnection, name: str, message: str
) -> None:
    before = tiny_store.execute(
        "SELECT (SELECT count(*) FROM scan_line), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM ingested_file)"
    ).fetchone()
    with pytest.raises(IngestError, match=message) as raised:
        ingest_file(tiny_store, "scans", BROKEN / name)
    assert name in str(raised.value)
    after = tiny_store.execute(
        "SELECT (SELECT count(*) FROM scan_line), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM ingested_file)"
    ).fetchone()
    assert before == after


def test_an_unknown_kind_is_refused(warehouse: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(IngestError, match="unknown kind of file 'coupons'"):
        ingest_file(warehouse, "coupons", TINY / "scans.csv")


def test_parquet_and_csv_load_the_same_rows(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    second = duckdb.connect(str(tmp_path / "second.duckdb"))
    from offers.warehouse import migrate

    migrate(second)
    for kind in ("products", "households", "scans"):
        parquet = tmp_path / f"{kind}.parquet"
        pl.read_csv(TINY / f"{kind}.csv", infer_schema_length=0).write_parquet(parquet)
        result = ingest_file(second, kind, parquet)
        assert result.rows_quarantined == 0
    query = (
        "SELECT basket_id, product_id, household_id, store_id, scanned_at, quantity, "
        "amount_paid, is_return FROM scan_line ORDER BY basket_id, product_id"
    )
    assert second.execute(query).fetchall() == tiny_store.execute(query).fetchall()


def test_typed_parquet_columns_are_checked_too(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    frame = pl.DataFrame(
        {
            "basket_id": [7001, 7002, 7003],
            "household_id": [1, 1, 1],
            "store_id": [1, 1, 1],
            "timestamp": ["2017-03-30 10:00:00", "2017-03-30 11:00:00", "not a time"],
            "product_id": [201, 555, 201],
            "quantity": [1.0, 1.0, 2.5],
            "amount_paid": [3.5, 1.0, 7.0],
        }
    )
    path = tmp_path / "typed.parquet"
    frame.write_parquet(path)
    result = ingest_file(tiny_store, "scans", path)
    assert result.rows_loaded == 1
    rows = tiny_store.execute(
        "SELECT row_number, field, reason FROM quarantine ORDER BY row_number"
    ).fetchall()
    assert rows == [(2, "product_id", "unknown_product"), (3, "timestamp", "unparseable_value")]


def test_a_fraction_is_not_a_whole_number(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "fraction.csv"
    path.write_text(
        "basket_id,household_id,store_id,timestamp,product_id,quantity,amount_paid\n"
        "8001.5,1,1,2017-03-30 10:00:00,201,1,3.50\n"
        "8002,1,1,2017-03-30 10:00:00,201,1.5,3.50\n"
        "8003,1,1,2017-03-30 10:00:00,201,2.0,7.00\n"
    )
    result = ingest_file(tiny_store, "scans", path)
    assert result.rows_loaded == 1
    assert tiny_store.execute(
        "SELECT row_number, field, value FROM quarantine ORDER BY 1"
    ).fetchall() == [(2, "basket_id", "8001.5"), (3, "quantity", "1.5")]


def test_rows_after_a_rejected_line_keep_their_numbers(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "bytes.csv"
    header = b"basket_id,household_id,store_id,timestamp,product_id,quantity,amount_paid\n"
    good = b"6001,1,1,2017-03-30 10:00:00,201,1,3.50\n"
    bad_bytes = b"6002,1,1,2017-03-30 10:00:00,201,1,\xff\xfe\n"
    late = b"6003,1,1,2017-03-30 10:00:00,999,1,3.50\n"
    path.write_bytes(header + good + bad_bytes + late)
    result = ingest_file(tiny_store, "scans", path)
    assert (result.rows_read, result.rows_loaded) == (3, 1)
    assert tiny_store.execute(
        "SELECT row_number, field, reason FROM quarantine ORDER BY 1"
    ).fetchall() == [(3, "amount_paid", "unparseable_value"), (4, "product_id", "unknown_product")]


def test_a_line_that_is_not_text_is_a_malformed_row(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "households.csv"
    path.write_bytes(b"household_id,store_id,name\n21,1,Ann\n22,1,\xff\xfe\xfd\n23,1,Bea\n")
    result = ingest_file(tiny_store, "households", path)
    assert (result.rows_read, result.rows_loaded) == (3, 2)
    row = tiny_store.execute("SELECT row_number, reason, message FROM quarantine").fetchone()
    assert row is not None
    assert row[:2] == (3, "malformed_row")
    assert "cannot be split" in row[2]

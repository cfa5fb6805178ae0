"""Deal files: loaded and checked like any input, quarantined with messages, scoped and
priced for a list window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
import pytest

from offers.deals import deal_items, deals, load_deals, offer_text
from offers.ingest import IngestError
from tests.conftest import TINY, scalar

GOOD_DEAL = """
[[deal]]
deal_id = "T1"
scope_kind = "brand"
scope_value = "Tylenol"
offer_kind = "amount_off"
offer_value = 1.50
valid_from = 2017-03-20
valid_to = 2017-04-30
"""


def test_the_tiny_deal_file_loads_whole(tiny_store: duckdb.DuckDBPyConnection) -> None:
    result = load_deals(tiny_store, TINY / "deals.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 8, 0)
    listed = deals(tiny_store)
    assert listed["deal_id"].to_list() == sorted(listed["deal_id"].to_list())
    pampers = listed.filter(pl.col("deal_id") == "PAMPERS-TRIAL").row(0, named=True)
    assert (pampers["target_kind"], pampers["target_segment"], pampers["target_usage"]) == (
        "segment", "store", None,
    )  # fmt: skip
    advil = listed.filter(pl.col("deal_id") == "ADVIL-25").row(0, named=True)
    assert float(advil["offer_value"]) == 0.25


def test_loading_the_same_file_twice_adds_nothing(tiny_store: duckdb.DuckDBPyConnection) -> None:
    load_deals(tiny_store, TINY / "deals.csv")
    again = load_deals(tiny_store, TINY / "deals.csv")
    assert again.already_loaded
    assert scalar(tiny_store, "SELECT count(*) FROM deal") == 8


def test_a_deal_loaded_again_from_a_new_file_takes_its_terms(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(GOOD_DEAL)
    second.write_text(GOOD_DEAL.replace("1.50", "2.25"))
    load_deals(tiny_store, first)
    load_deals(tiny_store, second)
    assert scalar(tiny_store, "SELECT CAST(offer_value AS DOUBLE) FROM deal") == 2.25


BAD_DEALS = [
    ('offer_kind = "amount_off"\noffer_value = 1.50',
     'offer_kind = "percent_off"\noffer_value = "125%"', "offer_value", "more than the whole"),
    ('valid_to = 2017-04-30', 'valid_to = 2017-03-01', "valid_to", "ends (2017-03-01) before"),
    ('scope_value = "Tylenol"', 'scope_value = "Bayer"', "scope_value", "no product of the brand"),
    ('offer_kind = "amount_off"', 'offer_kind = "half off"', "offer_kind", "is not amount_off"),
    ('deal_id = "T1"', 'deal_id = "T1"\ntarget_kind = "segment"\ntarget_value = "loyal"',
     "target_value", "is not a segment and usage"),
    ('scope_kind = "brand"\nscope_value = "Tylenol"',
     'scope_kind = "product"\nscope_value = [101, 999]',
     "scope_value", "product 999 of the scope is not in the product list"),
]  # fmt: skip


@pytest.mark.parametrize(("good", "bad", "field", "words"), BAD_DEALS)
def test_a_bad_deal_is_quarantined_with_its_field_and_a_message(
    tiny_store: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    good: str,
    bad: str,
    field: str,
    words: str,
) -> None:
    path = tmp_path / "deals.toml"
    path.write_text(GOOD_DEAL.replace("T1", "OK") + GOOD_DEAL.replace(good, bad))
    result = load_deals(tiny_store, path)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    row, found_field, message = tiny_store.execute(
        "SELECT row_number, field, message FROM quarantine"
    ).fetchall()[0]
    assert (row, found_field) == (2, field)
    assert words in message


def test_an_unknown_key_in_a_toml_deal_rejects_the_file(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "deals.toml"
    path.write_text(GOOD_DEAL.replace("valid_to", "valid_until"))
    with pytest.raises(IngestError, match=r"number 1 has unknown key\(s\) valid_until"):
        load_deals(tiny_store, path)
    assert scalar(tiny_store, "SELECT count(*) FROM deal") == 0


def test_a_csv_deal_file_missing_a_column_names_it(
    tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "deal_id,scope_kind,scope_value,offer_kind,valid_from\nX,brand,Tylenol,amount_off,2017-03-01\n"
    )
    with pytest.raises(IngestError, match="no column 'valid_to'"):
        load_deals(tiny_store, path)


def test_deal_items_price_each_product_in_scope_for_the_window(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    load_deals(tiny_store, TINY / "deals.csv")
    items = deal_items(tiny_store, dt.date(2017, 3, 29), 14)
    # WONDER-WINTER ended on 2017-03-01: not in the window.
    assert "WONDER-WINTER" not in items["deal_id"].to_list()
    tylenol = items.filter(pl.col("deal_id") == "TYLENOL-150").row(0, named=True)
    assert (tylenol["product_id"], tylenol["price"], tylenol["discount"]) == (101, 9.0, 1.5)
    # Advil was never sold: its price is its sub-category's... IBUPROFEN has no sales, so
    # the category's (Tylenol 9.00, Dick's 5.00 a unit: average 7.00); 25 % of it.
    advil = items.filter(pl.col("deal_id") == "ADVIL-25").row(0, named=True)
    assert (advil["price"], advil["discount"]) == (7.0, 1.75)
    # A deal's dates are cut to the window; DEANS-MILK ends 2017-04-09.
    milk = items.filter(pl.col("deal_id") == "DEANS-MILK").row(0, named=True)
    assert (milk["valid_from"], milk["valid_to"]) == (dt.date(2017, 3, 29), dt.date(2017, 4, 9))
    beef = items.filter(pl.col("deal_id") == "BEEF-200")
    assert beef["product_id"].to_list() == [701]


def test_offer_text_reads_as_a_shopper_would() -> None:
    assert offer_text("amount_off", 1.5, None, None) == "$1.50 off"
    assert offer_text("percent_off", 0.25, None, None) == "25% off"
    assert offer_text("buy_x_get_y", None, 2, 1) == "buy 2 get 1 free"

"""The seeded day at the lanes."""

from __future__ import annotations

import datetime as dt

import duckdb

from offers.barcodes import parse_payload
from offers.synthetic.checkout import lane_day
from tests.conftest import TINY_RUN

DAY = dt.date(2017, 3, 31)


def test_a_lane_day_is_the_same_for_the_same_seed_and_shops_from_the_lists(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    days = [lane_day(tiny_run, TINY_RUN, DAY, seed) for seed in range(1, 40)]
    assert lane_day(tiny_run, TINY_RUN, DAY, 1) == days[0]
    transactions = [t for day in days for t in day.transactions]
    assert transactions  # some households shop
    lists = {100000001: 1, 100000002: 1}  # list id -> the store it was printed for
    for transaction in transactions:
        assert lists[parse_payload(transaction.code).list_id] == transaction.store_id
        assert transaction.occurred_at.date() == DAY
        products = [line.product_id for line in transaction.lines]
        assert len(products) == len(set(products))
    listed = {101, 701, 201, 601, 202, 401, 402}  # the two lists' items
    assert any(line.product_id in listed for t in transactions for line in t.lines)
    for day in days:
        ids = {t.transaction_id: len(t.lines) for t in day.transactions}
        assert all(0 <= index < ids[tx] for tx, index in day.returns)


def test_holdout_households_shop_too_and_show_their_card(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    tiny_run.execute("UPDATE run_household SET arm = 'holdout' WHERE household_id = 2")
    tiny_run.execute(
        "DELETE FROM list_line WHERE list_id IN"
        " (SELECT list_id FROM shopping_list WHERE household_id = 2)"
    )
    tiny_run.execute("DELETE FROM shopping_list WHERE household_id = 2")
    codes = {
        t.code
        for seed in range(1, 40)
        for t in lane_day(tiny_run, TINY_RUN, DAY, seed).transactions
    }
    assert "4000000000029" in codes  # household 2's lowest-numbered card
    assert "4000000000030" not in codes
    assert all(
        code == "4000000000029" or parse_payload(code).list_id == 100000001 for code in codes
    )

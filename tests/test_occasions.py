"""Purchase occasions: the in-memory history against the SQL reference, for every input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from offers import occasions as occasions_module
from offers.cycles import window_purchases
from offers.occasions import Level, bought_between, pair_history, read_occasions
from offers.warehouse import frame, midnight
from tests.conftest import Purchase, warehouse_with

REFERENCE_SQL = (Path(__file__).parent / "cycles_history_reference.sql").read_text()
# Product 4 has no sub-category: it counts at product level only.
PRODUCTS_SQL = (
    "INSERT INTO product (product_id, brand_type, category, subcategory) VALUES "
    "(1, 'national', 'A', 'A1'), (2, 'store', 'A', 'A1'), (3, 'national', 'B', 'B1'), "
    "(4, 'national', 'B', NULL), (10, 'store', 'B', 'B2')"
)
NARROW = [1, 2, 3, 4]
WIDE = [1, 2**50, 2**50 + 7]  # ids too far apart to pack with item and day: DuckDB sorts


def _warehouse(purchases: list[Purchase], households: list[int]) -> duckdb.DuckDBPyConnection:
    con = warehouse_with([], PRODUCTS_SQL, households=0)
    for basket, (household, product, quantity, day) in enumerate(purchases):
        con.execute(
            "INSERT INTO scan_line (basket_id, product_id, household_id, store_id, scanned_at, "
            "quantity, amount_paid, is_return, file_id) VALUES ($b, $p, $h, 1, "
            "TIMESTAMP '2017-01-01 09:00' + to_days($d) + to_hours($b % 8), $q, $q, $q < 0, 1)",
            {"b": basket, "p": product, "h": households[household], "d": day, "q": quantity},
        )
    return con


def _reference(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    level: Level,
    elasticity: float,
    sample_every: int = 1,
) -> pl.DataFrame:
    """The reference's rows, with product ids as numbers (as the module gives them)."""
    reference = frame(
        con,
        REFERENCE_SQL,
        {
            "as_of": midnight(as_of),
            "level": level,
            "quantity_elasticity": elasticity,
            "sample_every": sample_every,
        },
    )
    if level == "product":
        reference = reference.with_columns(pl.col("item_id").cast(pl.Int64))
    return reference.sort("household_id", "item_id")


def _same(ours: pl.DataFrame, reference: pl.DataFrame) -> None:
    assert_frame_equal(ours, reference, check_exact=False, rel_tol=0.0, abs_tol=1e-9)


line = st.tuples(
    st.integers(0, 2),  # household (position in NARROW or WIDE)
    st.sampled_from([1, 2, 3, 4, 10]),  # product
    st.sampled_from([1, 1, 2, 3, 12, 5_000, -1]),  # quantity (-1: a return)
    st.integers(0, 90),  # day of 2017
)
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(line, max_size=30),
    ids=st.sampled_from([NARROW, WIDE]),
    as_of_day=st.integers(0, 95),
    level=st.sampled_from(["product", "subcategory"]),
    elasticity=st.sampled_from([0.0, 0.5, 1.0]),
    every=st.integers(1, 3),
)
@example(  # several lines on one day, a return, an item bought once, wide ids
    lines=[(0, 1, 2, 3), (0, 1, 1, 3), (0, 1, 1, 10), (0, 2, -1, 10), (1, 3, 1, 4), (2, 1, 3, 40)],
    ids=WIDE, as_of_day=60, level="product", elasticity=0.5, every=1,
)  # fmt: skip
def test_the_history_agrees_with_the_sql_reference(
    lines: list[Purchase],
    ids: list[int],
    as_of_day: int,
    level: Level,
    elasticity: float,
    every: int,
) -> None:
    con = _warehouse(lines, ids)
    as_of = dt.date(2017, 1, 1) + dt.timedelta(days=as_of_day)
    occasions = read_occasions(con, as_of, level).of_households_every(every)
    reference = _reference(con, as_of, level, elasticity, every)
    _same(pair_history(occasions, elasticity), reference)
    # Worked through in runs of about 3 occasions (whole pairs), as 16 M are in 2 ** 18,
    # and with logs computed rather than looked up (as for counts of 2 ** 20 or more).
    with (
        patch.object(occasions_module, "CHUNK_OCCASIONS", 3),
        patch.object(occasions_module, "LOG_TABLE_SIZE", 1),
    ):
        _same(pair_history(occasions, elasticity), reference)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(line, max_size=30),
    ids=st.sampled_from([NARROW, WIDE]),
    start_day=st.integers(0, 60),
    days=st.integers(1, 30),
)
def test_purchases_in_a_window_agree_with_the_warehouse(
    lines: list[Purchase], ids: list[int], start_day: int, days: int
) -> None:
    con = _warehouse(lines, ids)
    start = dt.date(2017, 1, 1) + dt.timedelta(days=start_day)
    end = start + dt.timedelta(days=days)
    for level in ("product", "subcategory"):
        ours = bought_between(read_occasions(con, end + dt.timedelta(days=5), level), start, end)
        assert_frame_equal(ours, window_purchases(con, start, days, level).sort(pl.all()))


def test_occasions_cut_at_a_day_are_the_occasions_read_as_of_it(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    later = read_occasions(tiny_store, dt.date(2017, 3, 29), "product")
    for day in (dt.date(2017, 3, 1), dt.date(2017, 3, 15), dt.date(2017, 3, 16)):
        _same(
            pair_history(later.before(day), 0.5),
            pair_history(read_occasions(tiny_store, day, "product"), 0.5),
        )


def test_wide_household_ids_are_sorted_by_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    lines: list[Purchase] = [(0, 1, 1, 3), (1, 1, 1, 5), (2, 1, 2, 9), (2, 1, 1, 20)]
    calls: list[int] = []
    sorted_by_duckdb = occasions_module._sorted_by_duckdb

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return sorted_by_duckdb(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(occasions_module, "_sorted_by_duckdb", counted)
    as_of = dt.date(2017, 2, 1)
    narrow = pair_history(read_occasions(_warehouse(lines, NARROW), as_of, "product"), 0.5)
    assert calls == []
    wide = pair_history(read_occasions(_warehouse(lines, WIDE), as_of, "product"), 0.5)
    assert calls == [1]
    assert wide["household_id"].to_list() == WIDE
    _same(wide.drop("household_id"), narrow.drop("household_id"))


@pytest.mark.parametrize("level", ["product", "subcategory"])
def test_no_scan_before_as_of_gives_an_empty_history(
    tiny_store: duckdb.DuckDBPyConnection, level: Level
) -> None:
    occasions = read_occasions(tiny_store, dt.date(2016, 1, 1), level)
    assert occasions.households() == 0
    history = pair_history(occasions, 0.5)
    assert history.is_empty()
    assert history.schema == _reference(tiny_store, dt.date(2016, 1, 1), level, 0.5).schema

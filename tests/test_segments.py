"""Brand segments, usage, value tiers, eligibility and migration."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from offers.charts import segment_heatmap
from offers.config import HouseholdSettings, SegmentSettings
from offers.segments import (
    BRAND_SEGMENTS,
    USAGE_LEVELS,
    brand_segments,
    migration,
    segment_matrix,
    value_tiers,
)
from offers.warehouse import connect, frame
from tests import segments_reference
from tests.conftest import Purchase, loaded_synthetic_store, warehouse_with

AS_OF = dt.date(2017, 3, 29)


def test_tiny_store_analgesics_cells_match_the_answers(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    found = brand_segments(tiny_store, AS_OF, category="ANALGESICS")
    cells = {
        row["household_id"]: (
            row["units"],
            row["national_share"],
            row["brand_segment"],
            row["usage"],
        )
        for row in found.iter_rows(named=True)
    }
    assert cells == {
        1: (4, 1.0, "national", "medium"),
        2: (2, 0.0, "store", "low"),
        3: (5, 0.4, "switcher", "high"),
    }
    matrix = segment_matrix(found)
    assert matrix.height == 9
    occupied = matrix.filter(pl.col("households") > 0).select(
        "brand_segment", "usage", "households", "units", "spend"
    )
    assert occupied.rows() == [
        ("national", "medium", 1, 4, 36.0),
        ("switcher", "high", 1, 5, 33.0),
        ("store", "low", 1, 2, 10.0),
    ]


def test_a_household_with_one_occasion_is_unsegmented(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    # As of 2017-02-10 household 2 has bought its pain reliever once.
    found = brand_segments(tiny_store, dt.date(2017, 2, 10), category="ANALGESICS")
    row = found.filter(pl.col("household_id") == 2).row(0, named=True)
    assert row["brand_segment"] == "unsegmented"
    assert row["usage"] is None


@pytest.mark.parametrize(
    ("min_occasions", "segmented"),
    [(1, [1, 2, 3]), (2, [1, 2, 3]), (3, [1, 3]), (4, [1, 3]), (5, [])],
)
def test_households_below_the_occasions_setting_are_unsegmented(
    tiny_store: duckdb.DuckDBPyConnection, min_occasions: int, segmented: list[int]
) -> None:
    # ANSWERS.md: in ANALGESICS households 1 and 3 have 4 purchase occasions, household 2 has 2.
    found = brand_segments(
        tiny_store, AS_OF, SegmentSettings(min_occasions=min_occasions), category="ANALGESICS"
    )
    assert sorted(found.filter(pl.col("usage").is_not_null())["household_id"]) == segmented
    assert found.filter(pl.col("brand_segment") == "unsegmented").height == 3 - len(segmented)


def test_tiny_store_tiers_and_eligibility(tiny_store: duckdb.DuckDBPyConnection) -> None:
    tiers = value_tiers(tiny_store, AS_OF)
    by_household = {row["household_id"]: row for row in tiers.iter_rows(named=True)}
    assert {h: r["spend_52w"] for h, r in by_household.items()} == {
        1: 238.0,
        2: 226.0,
        3: 92.0,
        4: 200.0,
        5: 94.0,
    }
    assert by_household[4]["weekly_spend_8w"] == 25.0
    assert [h for h, r in by_household.items() if r["eligible"]] == [1, 2]
    # Five households: round(5 x 0.20) = 1 in A to C, so the top spender is C.
    assert {h: r["tier"] for h, r in by_household.items()} == {
        1: "C",
        2: "D",
        3: "D",
        4: "D",
        5: "D",
    }


def test_migration_between_two_dates(tiny_store: duckdb.DuckDBPyConnection) -> None:
    flows = migration(
        brand_segments(tiny_store, dt.date(2017, 3, 1), category="ANALGESICS"),
        brand_segments(tiny_store, AS_OF, category="ANALGESICS"),
    )
    assert flows.select("from_segment", "to_segment", "households").rows() == [
        ("national", "national", 1),
        ("switcher", "switcher", 1),
        ("unsegmented", "store", 1),
    ]


def _reference_inputs(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    scans = frame(
        con,
        "SELECT household_id, basket_id, product_id, scanned_at, quantity, amount_paid "
        "FROM scan_line",
    )
    products = frame(con, "SELECT product_id, brand_type, category FROM product")
    return scans, products


def _same(sql: pl.DataFrame, reference: pl.DataFrame) -> None:
    assert_frame_equal(
        sql.sort("category", "household_id"),
        reference.sort("category", "household_id"),
        check_dtypes=False,
        abs_tol=1e-9,
    )


def test_sql_agrees_with_the_polars_reference_on_the_tiny_store(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    scans, products = _reference_inputs(tiny_store)
    for as_of in (dt.date(2017, 2, 10), dt.date(2017, 3, 1), AS_OF):
        _same(
            brand_segments(tiny_store, as_of),
            segments_reference.brand_segments(scans, products, as_of),
        )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """3,000 synthetic households x 52 weeks, loaded; and the folder with the truth."""
    return loaded_synthetic_store(tmp_path_factory.mktemp("synthetic"), 3_000, seed=21)


def test_sql_agrees_with_the_polars_reference_on_synthetic_data(
    synthetic: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, _ = synthetic
    scans, products = _reference_inputs(con)
    as_of = dt.date(2017, 9, 1)
    _same(brand_segments(con, as_of), segments_reference.brand_segments(scans, products, as_of))


def test_planted_loyalty_is_recovered(synthetic: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, folder = synthetic
    truth = pl.read_parquet(folder / "truth_categories.parquet")
    as_of = dt.date(2017, 12, 31)
    scans, products = _reference_inputs(con)
    occasions = segments_reference.purchase_pairs(scans, products, as_of)
    found = brand_segments(con, as_of).join(truth, on=["household_id", "category"])
    enough = found.join(occasions, on=["household_id", "category"]).filter(pl.col("occasions") >= 4)
    recovered = (enough["brand_segment"] == enough["loyalty"]).mean()
    assert enough.height > 10_000
    assert isinstance(recovered, float)
    assert recovered >= 0.95


def test_planted_usage_ranks_like_the_found_usage(
    synthetic: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, folder = synthetic
    truth = pl.read_parquet(folder / "truth_categories.parquet")
    level = {name: rank for rank, name in enumerate(USAGE_LEVELS)}
    found = (
        brand_segments(con, dt.date(2017, 12, 31))
        .filter(pl.col("usage").is_not_null())
        .join(truth, on=["household_id", "category"], suffix="_planted")
        .with_columns(
            found_rank=pl.col("usage").replace_strict(level),
            planted_rank=pl.col("usage_planted").replace_strict(level),
        )
    )
    mean_found = (
        found.group_by("planted_rank").agg(pl.col("found_rank").mean()).sort("planted_rank")
    )
    ranks = mean_found["found_rank"].to_list()
    assert ranks == sorted(ranks)
    assert ranks[0] < 0.8
    assert ranks[-1] > 1.2
    assert found.select(pl.corr("found_rank", "planted_rank", method="spearman")).item() > 0.4


def test_the_heatmap_is_a_png(tiny_store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    matrix = segment_matrix(brand_segments(tiny_store, AS_OF, category="ANALGESICS"))
    path = segment_heatmap(matrix, "ANALGESICS", tmp_path / "matrix.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000


# --- properties over random purchase histories -------------------------------------------

PRODUCTS_SQL = """
INSERT INTO product (product_id, brand_type, category) VALUES
    (1, 'national', 'A'), (2, 'store', 'A'), (3, 'national', 'B'), (4, 'store', 'B')
"""

purchase = st.tuples(
    st.integers(1, 8),  # household
    st.sampled_from([1, 2, 3, 4]),  # product
    st.integers(-1, 4),  # quantity (a return, nothing, or units)
    st.integers(0, 360),  # day of 2017
)


def _warehouse_with(purchases: list[Purchase]) -> duckdb.DuckDBPyConnection:
    return warehouse_with(purchases, PRODUCTS_SQL, households=8)


AS_OF_PROPERTIES = dt.date(2018, 1, 1)


@settings(max_examples=60, deadline=None)
@given(purchases=st.lists(purchase, max_size=40))
def test_every_segmented_pair_is_in_exactly_one_of_nine_cells(
    purchases: list[tuple[int, int, int, int]],
) -> None:
    con = _warehouse_with(purchases)
    found = brand_segments(con, AS_OF_PROPERTIES)
    assert found.select(pl.col("national_share").is_between(0, 1).all()).item() in (True, None)
    segmented = found.filter(pl.col("brand_segment") != "unsegmented")
    cells = set(itertools.product(BRAND_SEGMENTS, USAGE_LEVELS))
    assert all(
        (row[0], row[1]) in cells for row in segmented.select("brand_segment", "usage").rows()
    )
    assert found.filter(pl.col("brand_segment") == "unsegmented")["usage"].null_count() == (
        found.filter(pl.col("brand_segment") == "unsegmented").height
    )
    assert found.select("household_id", "category").is_unique().all()
    for category in found["category"].unique():
        matrix = segment_matrix(found.filter(pl.col("category") == category))
        assert matrix["households"].sum() == segmented.filter(pl.col("category") == category).height


@settings(max_examples=80, deadline=None)
@given(purchases=st.lists(purchase, max_size=40), min_occasions=st.integers(1, 4))
def test_sql_agrees_with_the_polars_reference_on_random_histories(
    purchases: list[tuple[int, int, int, int]], min_occasions: int
) -> None:
    # Random days include the day before the window, its first and its last, and several
    # baskets on one day; the SQL tells two occasions by the first and last day and counts
    # them beyond two, the reference always counts.
    con = _warehouse_with(purchases)
    scans, products = _reference_inputs(con)
    _same(
        brand_segments(con, AS_OF_PROPERTIES, SegmentSettings(min_occasions=min_occasions)),
        segments_reference.brand_segments(
            scans, products, AS_OF_PROPERTIES, min_occasions=min_occasions
        ),
    )


def test_two_baskets_on_one_day_are_one_occasion() -> None:
    # Household 1 buys its pain reliever in two baskets on one day; household 2 on the
    # window's first day (2017-01-02) and its last (2017-12-31).
    con = _warehouse_with([(1, 1, 1, 40), (1, 1, 2, 40), (2, 1, 1, 1), (2, 1, 1, 364)])
    found = brand_segments(con, AS_OF_PROPERTIES).sort("household_id")
    columns = ("household_id", "units", "first_bought", "last_bought", "brand_segment")
    assert found.select(columns).rows() == [
        (1, 3, dt.date(2017, 2, 10), dt.date(2017, 2, 10), "unsegmented"),
        (2, 2, dt.date(2017, 1, 2), dt.date(2017, 12, 31), "national"),
    ]


@settings(max_examples=60, deadline=None)
@given(
    purchases=st.lists(purchase, min_size=1, max_size=30),
    household=st.integers(1, 8),
    extra=st.integers(1, 6),
)
def test_more_national_units_never_move_a_household_toward_store(
    purchases: list[tuple[int, int, int, int]], household: int, extra: int
) -> None:
    order = {"store": 0, "switcher": 1, "national": 2}
    before = brand_segments(_warehouse_with(purchases), AS_OF_PROPERTIES)
    # The same history plus extra units of category A's national product, in baskets of
    # their own.
    more = [*purchases, *((household, 1, 1, 100 + i) for i in range(extra))]
    after = brand_segments(_warehouse_with(more), AS_OF_PROPERTIES)
    was = before.filter((pl.col("household_id") == household) & (pl.col("category") == "A"))
    now = after.filter((pl.col("household_id") == household) & (pl.col("category") == "A"))
    assert now.height == 1
    if was.height and was["brand_segment"][0] != "unsegmented":
        assert order[now["brand_segment"][0]] >= order[was["brand_segment"][0]]
        assert now["national_share"][0] >= was["national_share"][0]


@settings(max_examples=40, deadline=None)
@given(spends=st.lists(st.integers(0, 5_000), min_size=1, max_size=400))
def test_tier_sizes_follow_the_pyramid_within_one_household(spends: list[int]) -> None:
    con = connect(":memory:")
    con.execute(PRODUCTS_SQL)
    n = len(spends)
    con.execute("INSERT INTO household (household_id) SELECT range FROM range(1, $n + 1)", {"n": n})
    con.execute(
        "INSERT INTO scan_line SELECT i, 1, i, 1, TIMESTAMP '2017-06-01', 1, s, 0, 0, 0, false, 1 "
        "FROM (SELECT unnest($spends) AS s, generate_subscripts($spends, 1) AS i)",
        {"spends": spends},
    )
    tiers = value_tiers(con, AS_OF_PROPERTIES)
    sizes = dict(tiers.group_by("tier").len().rows())
    for tier, share in zip("ABCD", (0.01, 0.04, 0.15, 0.80), strict=True):
        assert abs(sizes.get(tier, 0) - share * n) <= 1.0 + 1e-9
    # A higher tier never spends less than a lower one.
    bounds = tiers.group_by("tier").agg(
        low=pl.col("spend_52w").min(), high=pl.col("spend_52w").max()
    )
    rows = dict((t, (lo, hi)) for t, lo, hi in bounds.sort("tier").rows())
    ordered = [rows[t] for t in "ABCD" if t in rows]
    assert all(a[0] >= b[1] for a, b in itertools.pairwise(ordered))


@pytest.mark.parametrize(
    ("weekly", "eligible"), [(24.99, False), (25.00, False), (25.01, True), (30.00, True)]
)
def test_eligibility_changes_exactly_at_the_threshold(weekly: float, eligible: bool) -> None:
    con = connect(":memory:")
    con.execute(PRODUCTS_SQL)
    con.execute("INSERT INTO household (household_id) VALUES (1)")
    # Eight weekly baskets of `weekly` dollars in the eight weeks before as-of.
    for week in range(8):
        con.execute(
            "INSERT INTO scan_line VALUES ($b, 1, 1, 1, TIMESTAMP '2017-12-05' + to_days($d), "
            "1, $amount, 0, 0, 0, false, 1)",
            {"b": week, "d": -7 * week, "amount": weekly},
        )
    tiers = value_tiers(con, dt.date(2017, 12, 6), HouseholdSettings())
    assert tiers["eligible"].to_list() == [eligible]

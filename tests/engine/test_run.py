"""A planned list cycle: the tiny store's hand-checked lists, and the rules on a synthetic
store (scope, dates, holdout, just bought, conversion depth, reproducible, no duplicates)."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from offers.config import PlanSettings, Settings
from offers.deals import deal_items, load_deals
from offers.engine import PlanError, plan
from offers.engine.candidates import needs
from offers.warehouse import frame
from tests.conftest import TINY, scalar
from tests.engine.conftest import STORE_AS_OF

TINY_AS_OF = dt.date(2017, 3, 29)

_LINES = """
SELECT s.household_id, l.*
FROM list_line AS l JOIN shopping_list AS s ON s.list_id = l.list_id
WHERE s.run_id = $run_id
ORDER BY s.household_id, l.line_number
"""


def _lines(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    return frame(con, _LINES, {"run_id": run_id})


def test_the_tiny_stores_lists_are_the_hand_checked_ones(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    load_deals(tiny_store, TINY / "deals.csv")
    result = plan(tiny_store, TINY_AS_OF)
    assert (result.households_eligible, result.households_treated, result.lists) == (2, 2, 2)
    expected = pl.read_csv(TINY / "expected_lists.csv", try_parse_dates=True)
    found = _lines(tiny_store, result.run_id).select(
        "household_id",
        "line_number",
        "product_id",
        "deal_id",
        "reason",
        pl.col("discount").cast(pl.Float64),
        pl.col("face_value").cast(pl.Float64),
        "valid_from",
        "valid_to",
    )
    assert found.to_dicts() == expected.cast({"line_number": pl.Int32}).to_dicts()


def test_planning_the_same_day_and_seed_again_adds_nothing(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    load_deals(tiny_store, TINY / "deals.csv")
    first = plan(tiny_store, TINY_AS_OF)
    again = plan(tiny_store, TINY_AS_OF)
    assert first.created
    assert not again.created
    assert scalar(tiny_store, "SELECT count(*) FROM plan_run") == 1
    assert scalar(tiny_store, "SELECT count(*) FROM list_line") == first.lines
    replaced = plan(tiny_store, TINY_AS_OF, replace=True)
    assert replaced.created
    assert replaced.lines == first.lines
    assert scalar(tiny_store, "SELECT count(*) FROM list_line") == first.lines
    assert scalar(tiny_store, "SELECT count(DISTINCT run_number) FROM plan_run") == 1


def test_a_plan_without_deals_in_the_window_says_so(tiny_store: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(PlanError, match="no deal runs between 2017-03-29 and 2017-04-11"):
        plan(tiny_store, TINY_AS_OF)
    assert scalar(tiny_store, "SELECT count(*) FROM plan_run") == 0


def test_holdout_households_get_no_list(planned_store: duckdb.DuckDBPyConnection) -> None:
    holdout_lists = scalar(
        planned_store,
        "SELECT count(*) FROM shopping_list AS s JOIN run_household AS h "
        "ON h.run_id = s.run_id AND h.household_id = s.household_id WHERE h.arm = 'holdout'",
    )
    held = scalar(planned_store, "SELECT count(*) FROM run_household WHERE arm = 'holdout'")
    assert isinstance(held, int)
    assert held > 0
    assert holdout_lists == 0


def test_every_offer_is_in_its_deals_scope_and_dates(
    planned_store: duckdb.DuckDBPyConnection,
) -> None:
    run_id = f"{STORE_AS_OF}-seed1"
    lines = _lines(planned_store, run_id).filter(pl.col("deal_id").is_not_null())
    assert lines.height > 100
    scope = deal_items(planned_store, STORE_AS_OF, 14).select("deal_id", "product_id")
    outside = lines.join(scope, on=["deal_id", "product_id"], how="anti")
    assert outside.is_empty()
    terms = frame(planned_store, "SELECT deal_id, valid_from AS d_from, valid_to AS d_to FROM deal")
    dated = lines.join(terms, on="deal_id")
    assert dated.filter(
        (pl.col("valid_from") < pl.col("d_from"))
        | (pl.col("valid_to") > pl.col("d_to"))
        | (pl.col("valid_from") < STORE_AS_OF)
        | (pl.col("valid_to") > STORE_AS_OF + dt.timedelta(days=13))
    ).is_empty()


def test_nothing_just_bought_is_offered(planned_store: duckdb.DuckDBPyConnection) -> None:
    item_need, _ = needs(planned_store, STORE_AS_OF, 14)
    just_bought = item_need.filter(
        (pl.col("days_since_last") < 14) & (pl.col("typical_interval_days") > 14)
    )
    assert just_bought.height > 0
    offered = _lines(planned_store, f"{STORE_AS_OF}-seed1").filter(
        pl.col("deal_id").is_not_null() & (pl.col("reason") == "due")
    )
    assert offered.join(just_bought, on=["household_id", "product_id"]).is_empty()


def test_conversions_give_heavy_users_the_deepest_discount(
    planned_store: duckdb.DuckDBPyConnection,
) -> None:
    conversions = _lines(planned_store, f"{STORE_AS_OF}-seed1").filter(
        pl.col("reason") == "conversion"
    )
    assert conversions.height > 0
    assert (conversions["brand_segment"] == "national").all()
    depth = (
        conversions.group_by("deal_id", "usage")
        .agg(pl.col("discount").cast(pl.Float64).max())
        .pivot("usage", index="deal_id", values="discount")
    )
    for row in depth.iter_rows(named=True):
        present = [row[u] for u in ("low", "medium", "high") if row.get(u) is not None]
        assert present == sorted(present)


def test_the_same_warehouse_settings_and_seed_give_the_same_run(
    planned_store: duckdb.DuckDBPyConnection,
) -> None:
    run_id = f"{STORE_AS_OF}-seed1"
    chosen = ("household_id", "line_number", "product_id", "deal_id", "reason", "discount",
              "face_value", "valid_from", "valid_to")  # fmt: skip
    before = _lines(planned_store, run_id)
    plan(planned_store, STORE_AS_OF, replace=True)
    after = _lines(planned_store, run_id)
    assert before.select(chosen).equals(after.select(chosen))
    assert (before["p_redeem"] - after["p_redeem"]).abs().max() == pytest.approx(0.0, abs=1e-9)


def test_another_seed_is_another_run_with_another_holdout(
    planned_store: duckdb.DuckDBPyConnection,
) -> None:
    other = plan(planned_store, STORE_AS_OF, Settings(plan=PlanSettings(seed=7)))
    assert other.run_id == f"{STORE_AS_OF}-seed7"
    moved = scalar(
        planned_store,
        "SELECT count(*) FROM run_household AS a JOIN run_household AS b "
        "ON a.household_id = b.household_id AND a.run_id <> b.run_id AND a.arm <> b.arm "
        "WHERE a.run_id = $r",
        {"r": f"{STORE_AS_OF}-seed1"},
    )
    assert isinstance(moved, int)
    assert moved > 0


def test_lists_for_higher_tiers_may_carry_more(planned_store: duckdb.DuckDBPyConnection) -> None:
    per_tier = frame(
        planned_store,
        "SELECT h.tier, max(CAST(s.face_value AS DOUBLE)) AS fullest FROM shopping_list AS s "
        "JOIN run_household AS h ON h.run_id = s.run_id AND h.household_id = s.household_id "
        "WHERE s.run_id = $r GROUP BY h.tier",
        {"r": f"{STORE_AS_OF}-seed1"},
    )
    budgets = dict(zip("ABCD", PlanSettings().tier_budgets, strict=True))
    for tier, fullest in per_tier.rows():
        assert fullest <= budgets[tier] + 1e-9
    assert dict(per_tier.rows())["D"] <= 5.0


def test_plan_settings_are_recorded_with_the_run(
    planned_store: duckdb.DuckDBPyConnection,
) -> None:
    stored = scalar(
        planned_store,
        "SELECT settings FROM plan_run WHERE run_id = $r",
        {"r": f"{STORE_AS_OF}-seed1"},
    )
    assert isinstance(stored, str)
    assert '"holdout_share": 0.1' in stored

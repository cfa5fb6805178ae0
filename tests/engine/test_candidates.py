"""Offer candidates on a synthetic store: the targeting value that orders them, against a
Polars reference."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest

from offers import cycles
from offers.config import CycleSettings, Settings
from offers.deals import deal_items
from offers.engine.candidates import needs, offer_candidates
from offers.engine.holdout import draw_arms
from offers.segments import brand_segments, value_tiers
from tests.engine.conftest import STORE_AS_OF

Candidates = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]


@pytest.fixture(scope="module")
def candidates(planned_store: duckdb.DuckDBPyConnection) -> Candidates:
    """The store's offer candidates, treated households, item and category needs."""
    con = planned_store
    settings = Settings()
    window = settings.plan.cadence_days
    tiers = value_tiers(con, STORE_AS_OF, settings.households)
    eligible = tiers.filter(pl.col("eligible")).select("household_id", "tier")
    arms = draw_arms(eligible, settings.plan.seed, settings.plan.holdout_share)
    treated = arms.filter(pl.col("arm") == "treated").select("household_id", "tier")
    item_need, category_need = needs(con, STORE_AS_OF, window, settings.cycles)
    found = offer_candidates(
        con,
        treated,
        item_need,
        category_need,
        brand_segments(con, STORE_AS_OF, settings.segments),
        deal_items(con, STORE_AS_OF, window),
        window,
        settings.plan,
    )
    return found, treated, item_need, category_need


def test_targeting_value_is_expected_value_beyond_a_household_drawn_at_random(
    candidates: Candidates,
) -> None:
    found, treated, item_need, category_need = candidates
    assert set(found["reason"]) == {"due", "conversion", "discovery"}
    rules = Settings().plan
    households = treated.height
    item_anyone = (
        item_need.join(treated, on="household_id")
        .group_by("product_id")
        .agg(p_item=pl.col("p_buy").sum() / households)
    )
    category_anyone = (
        category_need.join(treated, on="household_id")
        .group_by("category")
        .agg(p_category=pl.col("p_buy").sum() / households)
    )
    reference = (
        found.join(item_anyone, on="product_id", how="left")
        .join(category_anyone, on="category", how="left")
        .with_columns(
            p_anyone=pl.when(pl.col("reason") == "due")
            .then(pl.col("p_item"))
            .when(pl.col("reason") == "conversion")
            .then(pl.col("p_category") * rules.conversion_response)
            .otherwise(pl.col("p_category") * rules.discovery_response)
        )
        .with_columns(
            expected=(pl.col("p_redeem") - pl.col("p_anyone"))
            * pl.col("expected_value")
            / pl.col("p_redeem")
        )
    )
    np.testing.assert_allclose(
        reference["targeting_value"].to_numpy(), reference["expected"].to_numpy(), rtol=1e-9
    )
    # Some offers worth money are worth less than nothing on a personal list: staples.
    assert (found["targeting_value"] <= 0).any()
    assert (found["expected_value"] > 0).all()


def test_candidates_come_by_targeting_value(candidates: Candidates) -> None:
    found = candidates[0]
    values = found["targeting_value"].to_numpy()
    assert (np.diff(values) <= 0).all()
    assert not (np.diff(found["expected_value"].to_numpy()) <= 0).all()


def test_needs_leave_out_the_store_wide_trend(planned_store: duckdb.DuckDBPyConnection) -> None:
    """The plan's needs are the cycles' p_buy without the trend factor, whatever the
    setting; the cycles' own predictions do move with it."""
    con, window = planned_store, Settings().plan.cadence_days
    trended, flat = CycleSettings(trend_power=0.3), CycleSettings(trend_power=0.0)
    with_trend, _ = needs(con, STORE_AS_OF, window, trended)
    without, _ = needs(con, STORE_AS_OF, window, flat)
    assert with_trend.equals(without)
    flat_p_buy = cycles.predict(con, STORE_AS_OF, window, "product", flat)["p_buy"]
    assert with_trend["p_buy"].equals(flat_p_buy)
    trended_p_buy = cycles.predict(con, STORE_AS_OF, window, "product", trended)["p_buy"]
    assert not trended_p_buy.equals(flat_p_buy)

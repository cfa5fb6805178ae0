"""What each treated household could get: its needs, its offer candidates, its reminders.

The set-based part of the engine: the rules live in `offers/sql/engine/*.sql`, run on
frames registered with the connection under the names those files read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from importlib import resources

import duckdb
import polars as pl

from offers import cycles
from offers.config import CycleSettings, PlanSettings
from offers.warehouse import frame, registered

_OFFER_SQL = resources.files("offers").joinpath("sql/engine/offer_candidates.sql").read_text()
_REMINDER_SQL = resources.files("offers").joinpath("sql/engine/reminder_candidates.sql").read_text()

CANDIDATES_PER_CATEGORY = 3
"""Offer candidates kept per household x category: one is chosen at most, the next ones
stand by for when a deal's cap runs out."""

_CATEGORY_OF_SUBCATEGORY = """
SELECT DISTINCT subcategory AS item_id, category
FROM product
WHERE subcategory IS NOT NULL AND category IS NOT NULL
"""

_NEED_COLUMNS = ("p_buy", "expected_date", "days_since_last", "typical_interval_days")


def needs(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    window_days: int,
    settings: CycleSettings | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What every household will need in [as_of, as_of + window_days), from offers.cycles.

    Output: item_need (household_id, product_id, p_buy, expected_date, days_since_last,
    typical_interval_days: one row per product the household has bought) and
    category_need (household_id, category and the same columns for the household's most
    likely sub-category of each category it buys; ties by sub-category name).

    The needs leave out the item's store-wide trend (`trend_power` 0, whatever the
    settings say): the targeting value weighs a household's own need against anyone's, and a
    factor the same for every household of an item only scales that edge up for what many
    households are buying lately, which a random household buys too (on Complete Journey it
    took the relevance ratio of `evaluate plan` from 3.33x to 3.12x on 2017-08-01; README).
    """
    settings = replace(settings or CycleSettings(), trend_power=0.0)
    item_need = cycles.predict(con, as_of, window_days, "product", settings).select(
        "household_id", pl.col("item_id").alias("product_id"), *_NEED_COLUMNS
    )
    by_subcategory = cycles.predict(con, as_of, window_days, "subcategory", settings)
    category_need = (
        by_subcategory.join(frame(con, _CATEGORY_OF_SUBCATEGORY), on="item_id")
        .sort(
            ["household_id", "category", "p_buy", "item_id"], descending=[False, False, True, False]
        )
        .unique(["household_id", "category"], keep="first", maintain_order=True)
        .select("household_id", "category", *_NEED_COLUMNS)
    )
    return item_need, category_need


def offer_candidates(
    con: duckdb.DuckDBPyConnection,
    treated: pl.DataFrame,
    item_need: pl.DataFrame,
    category_need: pl.DataFrame,
    segments: pl.DataFrame,
    deal_items: pl.DataFrame,
    window_days: int,
    settings: PlanSettings,
) -> pl.DataFrame:
    """Every valued offer candidate (offer_candidates.sql states the rules and schemas).

    Input: treated (household_id, tier), needs() outputs, offers.segments.brand_segments()
    output, offers.deals.deal_items() output.
    """
    low, medium, high = settings.conversion_depth
    relations = {
        "treated": treated.select("household_id", "tier"),
        "item_need": item_need,
        "category_need": category_need,
        "segment": segments.select("household_id", "category", "brand_segment", "usage"),
        "deal_item": deal_items,
    }
    with registered(con, relations):
        found = frame(
            con,
            _OFFER_SQL,
            {
                "window_days": window_days,
                "margin_national": settings.margin_national,
                "margin_store": settings.margin_store,
                "conversion_response": settings.conversion_response,
                "discovery_response": settings.discovery_response,
                "depth_low": low,
                "depth_medium": medium,
                "depth_high": high,
                "per_category": CANDIDATES_PER_CATEGORY,
            },
        )
    return found.with_columns(pl.col("discount", "face_value").cast(pl.Float64))


def reminder_candidates(
    con: duckdb.DuckDBPyConnection,
    treated: pl.DataFrame,
    item_need: pl.DataFrame,
    segments: pl.DataFrame,
    window_days: int,
    settings: PlanSettings,
) -> pl.DataFrame:
    """Lines without an offer that each treated household could get
    (reminder_candidates.sql states the rules and schema)."""
    relations = {
        "treated": treated.select("household_id", "tier"),
        "item_need": item_need,
        "segment": segments.select("household_id", "category", "brand_segment", "usage"),
    }
    with registered(con, relations):
        return frame(
            con,
            _REMINDER_SQL,
            {
                "window_days": window_days,
                "reminder_min_p_buy": settings.reminder_min_p_buy,
                "max_lines": settings.max_lines,
            },
        )

"""A Polars reference of the brand-segment rules, to compare with the SQL.

Input: scan lines (household_id, basket_id, product_id, scanned_at, quantity, amount_paid)
and products (product_id, brand_type, category) as frames. Output: the columns of
offers.segments.brand_segments. Same rules, written independently: here purchase days are
always counted, where the SQL counts them only when the first and last day cannot tell.
"""

from __future__ import annotations

import datetime as dt

import polars as pl


def _window_lines(
    scans: pl.DataFrame, products: pl.DataFrame, as_of: dt.date, window_weeks: int
) -> pl.DataFrame:
    end = dt.datetime.combine(as_of, dt.time())
    start = end - dt.timedelta(weeks=window_weeks)
    return (
        scans.filter((pl.col("scanned_at") >= start) & (pl.col("scanned_at") < end))
        .join(products.select("product_id", "brand_type", "category"), on="product_id")
        .filter(pl.col("category").is_not_null())
    )


def purchase_pairs(
    scans: pl.DataFrame, products: pl.DataFrame, as_of: dt.date, window_weeks: int = 52
) -> pl.DataFrame:
    """Per household x category with units bought in the window: units, national_units,
    first_bought, last_bought and occasions (distinct days with a purchase)."""
    return _pairs(_window_lines(scans, products, as_of, window_weeks))


def _pairs(lines: pl.DataFrame) -> pl.DataFrame:
    bought = lines.filter(pl.col("quantity") > 0)
    return bought.group_by("household_id", "category").agg(
        units=pl.col("quantity").sum().cast(pl.Int64),
        national_units=pl.col("quantity")
        .filter(pl.col("brand_type") == "national")
        .sum()
        .cast(pl.Int64),
        first_bought=pl.col("scanned_at").dt.date().min(),
        last_bought=pl.col("scanned_at").dt.date().max(),
        occasions=pl.col("scanned_at").dt.date().n_unique().cast(pl.Int64),
    )


def brand_segments(
    scans: pl.DataFrame,
    products: pl.DataFrame,
    as_of: dt.date,
    window_weeks: int = 52,
    loyal_share: float = 0.8,
    min_occasions: int = 2,
) -> pl.DataFrame:
    lines = _window_lines(scans, products, as_of, window_weeks)
    per_pair = _pairs(lines)
    spend = lines.group_by("household_id", "category").agg(
        spend=pl.col("amount_paid").cast(pl.Float64).sum()
    )
    pairs = per_pair.join(spend, on=["household_id", "category"], how="left").with_columns(
        national_share=pl.col("national_units") / pl.col("units")
    )
    pairs = pairs.with_columns(
        brand_segment=pl.when(pl.col("occasions") < min_occasions)
        .then(pl.lit("unsegmented"))
        .when(pl.col("national_share") >= loyal_share)
        .then(pl.lit("national"))
        .when(pl.col("national_share") <= 1 - loyal_share)
        .then(pl.lit("store"))
        .otherwise(pl.lit("switcher"))
    )
    segmented = pairs.filter(pl.col("brand_segment") != "unsegmented")
    # cume_dist: share of the category's segmented buyers with units at or below this one.
    ranks = segmented.with_columns(
        units_rank=pl.col("units").rank(method="max").over("category") / pl.len().over("category")
    ).select("household_id", "category", "units_rank")
    return (
        pairs.join(ranks, on=["household_id", "category"], how="left")
        .with_columns(
            usage=pl.when(pl.col("units_rank").is_null())
            .then(None)
            .when(pl.col("units_rank") <= 1 / 3)
            .then(pl.lit("low"))
            .when(pl.col("units_rank") <= 2 / 3)
            .then(pl.lit("medium"))
            .otherwise(pl.lit("high"))
        )
        .select(
            "household_id",
            "category",
            "units",
            "national_units",
            "national_share",
            "first_bought",
            "last_bought",
            "spend",
            "brand_segment",
            "usage",
        )
        .sort("category", "household_id")
    )

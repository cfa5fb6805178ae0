"""Brand-loyalty x usage segments per category, value tiers and list eligibility.

Dick's split each category's buyers (e.g. non-aspirin pain relievers) into national-brand
loyal, store-brand loyal and switchers, each in low, medium and high usage: nine cells, each
its own marketing. The rules, with their units, are in the SQL files they run
(`offers/sql/segments/brand_segments.sql`, `value_tiers.sql`); thresholds come from
`offers.toml` ([segments], [households]).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import duckdb
import polars as pl

from offers.config import HouseholdSettings, SegmentSettings
from offers.warehouse import frame, midnight, rows

BRAND_SEGMENTS = ("national", "switcher", "store")
USAGE_LEVELS = ("low", "medium", "high")
TIERS = ("A", "B", "C", "D")

_BRAND_SEGMENTS_SQL = (
    resources.files("offers").joinpath("sql/segments/brand_segments.sql").read_text()
)
_VALUE_TIERS_SQL = resources.files("offers").joinpath("sql/segments/value_tiers.sql").read_text()


def brand_segments(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: SegmentSettings | None = None,
    *,
    category: str | None = None,
) -> pl.DataFrame:
    """Every household x category bought in the window before `as_of`, segmented.

    Input: the warehouse's scan_line and product tables. Output columns: household_id,
    category, units, national_units, national_share (0-1), first_bought and last_bought
    (dates), spend (dollars), brand_segment ('national' | 'store' | 'switcher' |
    'unsegmented'), usage ('low' | 'medium' | 'high', null when unsegmented), in no
    particular order. With `category`, only that category.
    """
    settings = settings or SegmentSettings()
    start = midnight(as_of) - dt.timedelta(weeks=settings.window_weeks)
    segments = frame(
        con,
        _BRAND_SEGMENTS_SQL,
        {
            "as_of": midnight(as_of),
            "window_start": start,
            "window_days": settings.window_weeks * 7,
            "loyal_share": settings.loyal_share,
            "min_occasions": settings.min_occasions,
        },
    )
    if category is not None:
        segments = segments.filter(pl.col("category") == category)
    return segments.with_columns(pl.col("spend").cast(pl.Float64))


def value_tiers(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: HouseholdSettings | None = None,
) -> pl.DataFrame:
    """Every household's value tier and list eligibility as of `as_of`.

    Input: the warehouse's household and scan_line tables. Output columns: household_id,
    spend_52w (dollars over settings.spend_weeks), weekly_spend_8w (dollars a week over
    settings.eligibility_weeks), tier ('A'..'D'), eligible, opted_out.
    """
    settings = settings or HouseholdSettings()
    shares = settings.tier_shares
    if len(shares) != 3 or any(share < 0 for share in shares) or sum(shares) > 1:
        raise ValueError("tier_shares must be three shares (A, B, C) adding up to at most 1")
    as_of_time = midnight(as_of)
    return frame(
        con,
        _VALUE_TIERS_SQL,
        {
            "as_of": as_of_time,
            "spend_start": as_of_time - dt.timedelta(weeks=settings.spend_weeks),
            "eligibility_start": as_of_time - dt.timedelta(weeks=settings.eligibility_weeks),
            "eligibility_weeks": settings.eligibility_weeks,
            "eligible_weekly_spend": settings.eligible_weekly_spend,
            "tier_a": shares[0],
            "tier_b": shares[0] + shares[1],
            "tier_c": shares[0] + shares[1] + shares[2],
        },
    ).with_columns(pl.col("spend_52w").cast(pl.Float64))


def categories(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every category in the product list, sorted."""
    found = rows(con, "SELECT DISTINCT category FROM product WHERE category IS NOT NULL")
    return sorted(str(row[0]) for row in found)


def segment_matrix(segments: pl.DataFrame) -> pl.DataFrame:
    """The nine cells (brand segment x usage) of one category's segmented buyers.

    Input: brand_segments output for one category. Output: brand_segment, usage,
    households, units, spend (dollars), one row per cell in national/switcher/store x
    low/medium/high order, empty cells included with zeros.
    """
    cells = pl.DataFrame(
        {
            "brand_segment": [b for b in BRAND_SEGMENTS for _ in USAGE_LEVELS],
            "usage": [u for _ in BRAND_SEGMENTS for u in USAGE_LEVELS],
        }
    )
    counted = (
        segments.filter(pl.col("brand_segment") != "unsegmented")
        .group_by("brand_segment", "usage")
        .agg(
            households=pl.len(),
            units=pl.col("units").sum(),
            spend=pl.col("spend").sum(),
        )
    )
    return cells.join(counted, on=["brand_segment", "usage"], how="left").with_columns(
        pl.col("households").fill_null(0).cast(pl.Int64),
        pl.col("units").fill_null(0).cast(pl.Int64),
        pl.col("spend").fill_null(0.0).round(2),
    )


def migration(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """How households moved between brand segments from one date to another.

    Input: two brand_segments outputs (same category or all). Output: category,
    from_segment, to_segment, households; a household that did not buy in the category at
    one date is 'not buying' there. Households that stay are counted too (from = to).
    """
    keys = ["household_id", "category"]
    joined = before.select(*keys, from_segment="brand_segment").join(
        after.select(*keys, to_segment="brand_segment"), on=keys, how="full", coalesce=True
    )
    return (
        joined.with_columns(
            pl.col("from_segment").fill_null("not buying"),
            pl.col("to_segment").fill_null("not buying"),
        )
        .group_by("category", "from_segment", "to_segment")
        .agg(households=pl.len())
        .sort("category", "from_segment", "to_segment")
    )

"""Deals: what a manufacturer (or the store) funds, loaded from deal files.

A deal file is CSV, Parquet or TOML (one `[[deal]]` table per deal); it is checked like any
input file (`offers.ingest`, kind 'deals': rules in `offers/ingest/sql/deals/`), rejected
rows are quarantined with a message, and loading the same file twice adds nothing. A deal
loaded again from a new file takes the new file's terms. Columns (units in brackets):

| column | meaning |
|---|---|
| deal_id | the deal's id (text) |
| description | what the list prints, e.g. "Tylenol, any size" |
| manufacturer_id | who funds it (empty: the store) |
| scope_kind, scope_value | product (product ids), brand (a brand) or category (a category) |
| offer_kind | amount_off, percent_off or buy_x_get_y |
| offer_value | dollars off (amount_off) or the share off, 0-1 or '25%' (percent_off) |
| buy_x, get_y | units to buy, units free (buy_x_get_y) |
| funding_per_redemption | dollars the manufacturer pays per redemption (default 0) |
| budget_cap | dollars the deal may cost in all (empty: no cap) |
| valid_from, valid_to | first and last day (dates) |
| limit_per_household | redemptions a household may make (default 1) |
| target_kind, target_value | all (default); segment, e.g. 'national high'; conversion, |
| | with the segment it converts, e.g. 'national' |
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from offers.ingest import LoadResult, Progress, ingest_file
from offers.warehouse import frame, midnight

_DEAL_ITEMS_SQL = resources.files("offers").joinpath("sql/deals/deal_items.sql").read_text()

PRICE_WEEKS = 52
"""Weeks of scans before as-of from which a product's usual price is taken."""

_DEALS_SQL = """
SELECT
    d.deal_id, d.description, d.manufacturer_id, d.scope_kind, d.scope_value,
    d.offer_kind, d.offer_value, d.buy_x, d.get_y, d.funding_per_redemption, d.budget_cap,
    d.valid_from, d.valid_to, d.limit_per_household, d.target_kind, d.target_segment,
    d.target_usage, f.path AS loaded_from
FROM deal AS d
JOIN ingested_file AS f ON f.file_id = d.file_id
WHERE $on IS NULL OR (d.valid_from <= $on AND d.valid_to >= $on)
ORDER BY d.deal_id
"""


def load_deals(
    con: duckdb.DuckDBPyConnection, path: str | Path, *, on_progress: Progress | None = None
) -> LoadResult:
    """Load one deal file (CSV, Parquet or TOML). Raises IngestError when it cannot be read
    as a deal file at all (nothing written)."""
    return ingest_file(con, "deals", path, on_progress=on_progress)


def deals(con: duckdb.DuckDBPyConnection, on: dt.date | None = None) -> pl.DataFrame:
    """The deals in the warehouse (those running on `on`, when given), by deal id: the
    deal table's columns and loaded_from (the file it came from)."""
    return frame(con, _DEALS_SQL, {"on": on})


def offer_text(
    offer_kind: str, offer_value: float | None, buy_x: int | None, get_y: int | None
) -> str:
    """The offer in a shopper's words: '$1.00 off', '25% off', 'buy 2 get 1 free'."""
    if offer_kind == "amount_off":
        return f"${offer_value:.2f} off"
    if offer_kind == "percent_off":
        return f"{(offer_value or 0) * 100:g}% off"
    return f"buy {buy_x} get {get_y} free"


def deal_items(
    con: duckdb.DuckDBPyConnection, window_start: dt.date, window_days: int
) -> pl.DataFrame:
    """Every product covered by a deal that runs in the list window [window_start,
    window_start + window_days), with its usual price and the discount (dollars) the deal
    gives on it; the rules are in `offers/sql/deals/deal_items.sql`.

    Output columns: deal_id, product_id, category, subcategory, brand_type, price,
    units_sold, offer_kind, discount, funding_per_redemption, limit_per_household,
    target_kind, target_segment, target_usage, valid_from, valid_to, scope_rank.
    """
    window_end = window_start + dt.timedelta(days=window_days)
    items = frame(
        con,
        _DEAL_ITEMS_SQL,
        {
            "window_start": window_start,
            "window_end": window_end,
            "last_day": window_end - dt.timedelta(days=1),
            "price_start": midnight(window_start) - dt.timedelta(weeks=PRICE_WEEKS),
            "as_of": midnight(window_start),
        },
    )
    return items.with_columns(
        pl.col("price", "discount", "funding_per_redemption").cast(pl.Float64),
        pl.col("units_sold").cast(pl.Int64),
    )

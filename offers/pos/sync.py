"""Bring what the lanes did back into the warehouse, before the next plan: every sale
and void as a basket of scan lines, every redemption and reversal as a `redemption` row.

Input: the ledger's sales, voids and redemption entries after the warehouse's
high-water marks for that ledger (its `pos_basket` and `redemption` rows), read in one
snapshot. Output, in one warehouse transaction: an `ingested_file` row (kind 'pos', the
ledger's path) for provenance, `pos_basket` rows, `scan_line` rows (one per basket and
product; a void's lines are returns, negative quantity and amount) and `redemption`
rows. Syncing again adds only what is new; a sync interrupted adds nothing.

Basket ids continue after the largest basket id in the warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from offers.pos.ledger import ledger_id
from offers.warehouse import registered, value

_SQL = resources.files("offers").joinpath("sql/ledger")
_BASKETS_SQL = _SQL.joinpath("sync_baskets.sql").read_text()
_LINES_SQL = _SQL.joinpath("sync_lines.sql").read_text()
_REDEMPTIONS_SQL = _SQL.joinpath("sync_redemptions.sql").read_text()

_HIGH_WATER_SQL = """
SELECT
    coalesce(max(CASE WHEN void_row = 0 THEN sale_id END), 0),
    coalesce(max(void_row), 0),
    (SELECT coalesce(max(entry_id), 0) FROM redemption WHERE ledger_id = $ledger)
FROM pos_basket WHERE ledger_id = $ledger
"""

_WRITE_SQL = [
    """
    INSERT INTO ingested_file VALUES ($file_id, $sha256, 'pos', $path, current_timestamp,
        $read, $read, 0)
    """,
    """
    INSERT INTO pos_basket
    SELECT basket_id, $ledger, sale_id, void_row, store_id, transaction_id, void_id,
        household_id, list_id, scanned_at
    FROM synced_baskets
    """,
    """
    INSERT INTO scan_line (basket_id, product_id, household_id, store_id, scanned_at, quantity,
        amount_paid, coupon_discount, is_return, file_id)
    SELECT b.basket_id, l.product_id, b.household_id, b.store_id, b.scanned_at, l.quantity,
        CAST(l.paid_cents AS DECIMAL(14, 2)) / 100, CAST(l.coupon_cents AS DECIMAL(14, 2)) / 100,
        l.quantity < 0, $file_id
    FROM synced_lines AS l
    JOIN synced_baskets AS b ON b.sale_id = l.sale_id AND b.void_row = l.void_row
    """,
    """
    INSERT INTO redemption
    SELECT $ledger, r.entry_id, b.basket_id, r.household_id, r.list_id, r.line_number,
        r.deal_id, r.product_id, r.at, r.redemptions,
        CAST(r.discount_cents AS DECIMAL(14, 2)) / 100
    FROM synced_redemptions AS r
    JOIN synced_baskets AS b ON b.sale_id = r.sale_id AND b.void_row = r.void_row
    """,
]


@dataclass(frozen=True)
class Synced:
    """What a sync brought into the warehouse."""

    sales: int
    voids: int
    scan_lines: int
    redemptions: int
    discount: Decimal


def sync(con: duckdb.DuckDBPyConnection, ledger: sqlite3.Connection, ledger_path: Path) -> Synced:
    """Copy the ledger's new sales, voids and redemptions into the warehouse."""
    ledger_key = ledger_id(ledger)
    params: dict[str, object] = {"ledger": ledger_key}
    marks = con.execute(_HIGH_WATER_SQL, params).fetchall()[0]
    last_sale, last_void, last_entry = (int(m) for m in marks)
    ledger.execute("BEGIN")  # one snapshot: a sale committed meanwhile waits for next time
    try:
        baskets = ledger.execute(_BASKETS_SQL, (last_sale, last_void)).fetchall()
        lines = ledger.execute(_LINES_SQL, (last_sale, last_void)).fetchall()
        entries = ledger.execute(_REDEMPTIONS_SQL, (last_entry,)).fetchall()
    finally:
        ledger.execute("COMMIT")
    if not baskets and not entries:
        return Synced(0, 0, 0, 0, Decimal(0))
    first_basket = int(
        value(
            con,
            "SELECT greatest((SELECT coalesce(max(basket_id), 0) FROM scan_line),"
            " (SELECT coalesce(max(basket_id), 0) FROM pos_basket)) + 1",
        )
    )
    synced_baskets = pl.DataFrame(
        baskets,
        schema={
            "sale_id": pl.Int64,
            "void_row": pl.Int64,
            "store_id": pl.Int64,
            "transaction_id": pl.String,
            "void_id": pl.String,
            "household_id": pl.Int64,
            "list_id": pl.Int64,
            "scanned_at": pl.String,
        },
        orient="row",
    ).with_columns(
        basket_id=pl.int_range(pl.len(), dtype=pl.Int64) + first_basket,
        scanned_at=pl.col("scanned_at").str.to_datetime("%Y-%m-%dT%H:%M:%S"),
    )
    synced_lines = pl.DataFrame(
        lines,
        schema=["sale_id", "void_row", "product_id", "quantity", "paid_cents", "coupon_cents"],
        orient="row",
    )
    synced_redemptions = pl.DataFrame(
        entries,
        schema={
            "entry_id": pl.Int64,
            "sale_id": pl.Int64,
            "void_row": pl.Int64,
            "household_id": pl.Int64,
            "list_id": pl.Int64,
            "line_number": pl.Int32,
            "deal_id": pl.String,
            "product_id": pl.Int64,
            "at": pl.String,
            "redemptions": pl.Int32,
            "discount_cents": pl.Int64,
        },
        orient="row",
    ).with_columns(pl.col("at").str.to_datetime("%Y-%m-%dT%H:%M:%S"))
    digest = hashlib.sha256(
        f"{ledger_key}:{last_sale}:{last_void}:{last_entry}:{len(baskets)}".encode()
    ).hexdigest()
    write = {
        **params,
        "file_id": int(value(con, "SELECT coalesce(max(file_id), 0) + 1 FROM ingested_file")),
        "sha256": digest,
        "path": str(ledger_path),
        "read": len(lines),
    }
    relations = {
        "synced_baskets": synced_baskets,
        "synced_lines": synced_lines,
        "synced_redemptions": synced_redemptions,
    }
    with registered(con, relations):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in _WRITE_SQL:
                names = [n for n in write if f"${n}" in statement]
                con.execute(statement, {n: write[n] for n in names})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    voids = int((synced_baskets["void_row"] > 0).sum())
    return Synced(
        sales=len(baskets) - voids,
        voids=voids,
        scan_lines=len(lines),
        redemptions=len(entries),
        discount=Decimal(int(synced_redemptions["discount_cents"].sum() or 0)) / 100,
    )


def synced_through(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the newest basket the lanes made was rung up (None: nothing synced yet)."""
    found = value(con, "SELECT max(scanned_at) FROM pos_basket")
    return found if isinstance(found, dt.datetime) else None

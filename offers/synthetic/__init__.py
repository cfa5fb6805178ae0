"""A seeded synthetic store: realistic scans, products and households, plus the truth the
simulator planted (purchase cycles, brand loyalty, usage, weekly spend), so later stages
can be checked by recovering it. Same seed, same bytes.

Files written to the output folder (schemas in the modules named):
- products.parquet (catalogue), households.parquet (people, without the truth columns),
- scans.parquet (simulate), written a batch of households at a time,
- truth_households.parquet, truth_categories.parquet (people, simulate);
with `fmt="csv"`, products, households and scans are CSV instead (truth stays Parquet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from offers.synthetic.catalogue import categories, products
from offers.synthetic.people import households
from offers.synthetic.simulate import simulate

__all__ = ["DEFAULT_START", "GeneratedStore", "generate"]

BATCH_HOUSEHOLDS = 5_000
DEFAULT_START = dt.date(2017, 1, 1)

HOUSEHOLD_COLUMNS = (
    "household_id", "store_id", "card_numbers", "name", "address", "postal_code", "opted_out",
)  # fmt: skip
TRUTH_HOUSEHOLD_COLUMNS = (
    "household_id", "store_id", "pet_owner", "has_infant", "size_factor", "shop_day_a",
    "shop_day_b", "planted_weekly_spend",
)  # fmt: skip
PRODUCT_COLUMNS = (
    "product_id", "description", "brand", "brand_type", "manufacturer_id", "department",
    "category", "subcategory", "size",
)  # fmt: skip


@dataclass(frozen=True)
class GeneratedStore:
    """Where the files went and how much they hold."""

    folder: Path
    products: Path
    households: Path
    scans: Path
    households_count: int
    scan_lines: int


def generate(
    out: Path,
    *,
    households_count: int,
    weeks: int,
    seed: int,
    start: dt.date = DEFAULT_START,
    fmt: Literal["parquet", "csv"] = "parquet",
    on_progress: Callable[[int, int], None] | None = None,
) -> GeneratedStore:
    """Write a synthetic store of `households_count` households over `weeks` weeks to `out`.

    `on_progress(done, total)` is called after each batch of households.
    """
    if households_count < 1 or weeks < 1:
        raise ValueError("households and weeks must be at least 1")
    out.mkdir(parents=True, exist_ok=True)
    cats = categories()
    catalogue = products(cats)
    suffix = "csv" if fmt == "csv" else "parquet"
    products_path = out / f"products.{suffix}"
    households_path = out / f"households.{suffix}"
    scans_path = out / f"scans.{suffix}"
    _write(catalogue.select(PRODUCT_COLUMNS), products_path)

    days = weeks * 7
    people_parts, truth_parts = [], []
    lines = 0
    writer = _StreamWriter(scans_path)
    try:
        for first in range(0, households_count, BATCH_HOUSEHOLDS):
            rng = np.random.default_rng([seed, first])
            count = min(BATCH_HOUSEHOLDS, households_count - first)
            people = households(first + 1, count, rng)
            chunk = simulate(people, cats, catalogue, start, days, rng)
            writer.write(chunk.scans)
            lines += chunk.scans.height
            people_parts.append(people.with_columns(planted_weekly_spend=chunk.weekly_spend))
            truth_parts.append(chunk.truth)
            if on_progress:
                on_progress(first + count, households_count)
    finally:
        writer.close()
    people_all = pl.concat(people_parts)
    _write(people_all.select(HOUSEHOLD_COLUMNS), households_path)
    people_all.select(TRUTH_HOUSEHOLD_COLUMNS).write_parquet(out / "truth_households.parquet")
    pl.concat(truth_parts).write_parquet(out / "truth_categories.parquet")
    return GeneratedStore(out, products_path, households_path, scans_path, households_count, lines)


def _write(frame: pl.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)


class _StreamWriter:
    """Appends frames of scan lines to one Parquet or CSV file without holding them all."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._parquet: pq.ParquetWriter | None = None
        self._csv = path.open("w", encoding="utf-8") if path.suffix == ".csv" else None
        self._header = True

    def write(self, frame: pl.DataFrame) -> None:
        if self._csv is not None:
            frame.write_csv(
                self._csv, include_header=self._header, datetime_format="%Y-%m-%d %H:%M:%S"
            )
            self._header = False
            return
        table = frame.to_arrow()
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._path, table.schema)
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._csv is not None:
            self._csv.close()
        if self._parquet is not None:
            self._parquet.close()

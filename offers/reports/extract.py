"""A manufacturer's row-level extract, for its analysts: one row per household x category
under a keyed pseudonym, with coarsened fields. Off unless the store turns it on
([reports] row_extract = true).

Rules:
- pseudonym: the first 16 hex digits of HMAC-SHA256(extract key, household id), where
  the extract key is HMAC-SHA256(store secret, "offers extract " + extract id) and the
  extract id is new (random) for every extract. The store secret never leaves the store
  (`store_secret`); with it and the extract id the store can find a row's household again
  (`pseudonym`), the manufacturer cannot, and two extracts do not share pseudonyms, so
  they cannot be joined household by household.
- coarsened: units and spend in the period in bands (UNIT_BANDS, SPEND_BANDS), the
  manufacturer's share of the household's category spend in tenths (rounded down), lists
  and redemptions top-coded at TOP_COUNT; no date, store, name, card or id.
- k households: every combination of the published fields (pseudonym aside) is shared by
  at least k rows of the extract. Rows in a smaller group lose their fields one at a time,
  in the order of GENERALISED (the field becomes null, '*' in the CSV), until their group
  is large enough; rows still alone after the last are left out.
- rows come sorted by category and pseudonym, so their order says nothing of ids.
- households that opted out have no row.

Input: the warehouse; output: `Extract` (its rows and the extract id; `rows_left_out`
for the store's own eyes, not for the manufacturer).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import os
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from offers.config import Settings
from offers.reports.vendor import report_categories
from offers.segments import brand_segments, value_tiers
from offers.warehouse import frame, midnight, registered

_EXTRACT_ROWS_SQL = resources.files("offers").joinpath("sql/reports/extract_rows.sql").read_text()

SECRET_SUFFIX = ".extract-secret"
"""The store secret's file beside the warehouse: offers.duckdb -> offers.extract-secret."""
UNIT_BANDS = (1, 2, 4, 8, 16)
"""Lower bounds of the unit bands above 0: 0, 1, 2-3, 4-7, 8-15, 16+."""
SPEND_BANDS = (0.01, 5, 10, 20, 50, 100)
"""Lower bounds (dollars) of the spend bands above 0: 0, 0-5, 5-10, ..., 100+."""
TOP_COUNT = 3
"""Lists and redemptions above this print as this ('3+')."""
GENERALISED = (
    "tier",
    "brand_segment_at_start",
    "manufacturer_share",
    "spend",
    "units",
    "redemptions",
    "lists",
    "usage",
    "arm",
)
"""The fields a row in a group of fewer than k loses, first to last."""
FIELDS = {
    "household": "pseudonym of the household, for this extract only",
    "category": "the product category",
    "brand_segment": "national, store, switcher, unsegmented or not buying at the end",
    "brand_segment_at_start": "the same at the start of the period",
    "usage": "low, medium or high among the category's segmented buyers",
    "tier": "value tier by 52-week spend at the store (A top 1 %, B next 4 %, C 15 %, D)",
    "arm": "treated (got lists), holdout (held out of lists) or not planned",
    "lists": f"lists carrying your deals in the category, {TOP_COUNT}+ at most",
    "redemptions": f"your deals redeemed in the category, {TOP_COUNT}+ at most",
    "units": "units bought in the category in the period, in bands",
    "spend": "dollars spent in the category in the period, in bands",
    "manufacturer_share": "your share of that spend, in tenths rounded down",
}
"""The extract's columns and what each holds (also written to manifest.json)."""


class ExtractError(Exception):
    """The extract cannot be made (turned off, no secret)."""


@dataclass(frozen=True)
class Extract:
    extract_id: str
    manufacturer_id: int
    first_day: dt.date
    last_day: dt.date
    min_households: int
    categories: list[str]
    rows: pl.DataFrame
    rows_left_out: int


def store_secret(path: Path) -> bytes:
    """The store's extract secret, made (32 random bytes, readable by its owner only) the
    first time it is asked for."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = bytes.fromhex(path.read_text().strip())
        if len(secret) < 16:
            raise ExtractError(f"{path}: the extract secret is shorter than 16 bytes") from None
        return secret
    except OSError as exc:
        raise ExtractError(f"{path}: cannot make the extract secret: {exc.strerror}") from exc
    secret = secrets.token_bytes(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret.hex() + "\n")
    return secret


def secret_path(warehouse: Path) -> Path:
    """Where the store secret lives beside a warehouse file."""
    return warehouse.with_name(warehouse.stem + SECRET_SUFFIX)


def pseudonym(secret: bytes, extract_id: str, household_id: int) -> str:
    """A household's pseudonym in one extract (module docstring)."""
    key = hmac.new(secret, f"offers extract {extract_id}".encode(), hashlib.sha256).digest()
    return hmac.new(key, str(household_id).encode(), hashlib.sha256).hexdigest()[:16]


def row_extract(
    con: duckdb.DuckDBPyConnection,
    manufacturer_id: int,
    first_day: dt.date,
    last_day: dt.date,
    secret: bytes,
    settings: Settings | None = None,
    only: list[str] | None = None,
    extract_id: str | None = None,
) -> Extract:
    """The extract for `manufacturer_id` over [first_day, last_day] (rules in the module
    docstring); `extract_id` is drawn at random unless given (tests)."""
    settings = settings or Settings()
    k = settings.reports.min_households
    categories = report_categories(con, manufacturer_id, first_day, last_day, only)
    end = last_day + dt.timedelta(days=1)
    keep = pl.col("category").is_in(categories)
    columns = ["household_id", "category", "brand_segment", "usage"]
    relations = {
        "segments_at_end": brand_segments(con, end, settings.segments).filter(keep)[columns],
        "segments_at_start": brand_segments(con, first_day, settings.segments).filter(keep)[
            columns
        ],
        "tiers": value_tiers(con, end, settings.households)["household_id", "tier"],
    }
    with registered(con, relations):
        found = frame(
            con,
            _EXTRACT_ROWS_SQL,
            {
                "manufacturer_id": manufacturer_id,
                "categories": categories,
                "from": first_day,
                "to": last_day,
                "first_time": midnight(first_day),
                "end_time": midnight(end),
            },
        )
    extract_id = extract_id or secrets.token_hex(8)
    coarse = coarsen(found, secret, extract_id)
    published = k_households(coarse, k)
    return Extract(
        extract_id=extract_id,
        manufacturer_id=manufacturer_id,
        first_day=first_day,
        last_day=last_day,
        min_households=k,
        categories=categories,
        rows=published,
        rows_left_out=coarse.height - published.height,
    )


def coarsen(found: pl.DataFrame, secret: bytes, extract_id: str) -> pl.DataFrame:
    """extract_rows.sql output -> the published columns (FIELDS), ids replaced by
    pseudonyms, figures in bands; sorted by category and pseudonym."""
    pseudonyms = [pseudonym(secret, extract_id, int(h)) for h in found["household_id"]]
    share = (pl.col("manufacturer_spend") / pl.col("spend")).clip(0, 1)
    return (
        found.with_columns(household=pl.Series(pseudonyms, dtype=pl.String))
        .select(
            "household",
            "category",
            "brand_segment",
            "brand_segment_at_start",
            "usage",
            "tier",
            "arm",
            lists=_top_coded("lists"),
            redemptions=_top_coded("redemptions"),
            units=_banded(pl.col("units"), UNIT_BANDS, "{}", 1),
            spend=_banded(pl.col("spend"), SPEND_BANDS, "${}", 0),
            manufacturer_share=pl.when(pl.col("spend") > 0)
            .then(((share * 10).floor() / 10).cast(pl.String))
            .otherwise(pl.lit("no spend")),
        )
        .sort("category", "household")
    )


def k_households(rows: pl.DataFrame, k: int) -> pl.DataFrame:
    """Rows whose published fields (pseudonym aside) are shared by at least k rows: fields
    nulled in GENERALISED order for rows in smaller groups, rows still in one left out."""
    keys = [name for name in FIELDS if name != "household"]
    for name in GENERALISED:
        small = pl.len().over(keys) < k
        rows = rows.with_columns(pl.when(small).then(None).otherwise(pl.col(name)).alias(name))
    return rows.filter(pl.len().over(keys) >= k)


def record_extract(con: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    """Log the extract in the warehouse (table vendor_extract), for the store's eyes."""
    con.execute(
        "INSERT INTO vendor_extract VALUES ($id, $m, $first, $last, $categories, $rows,"
        " $left_out, now()::TIMESTAMP)",
        {
            "id": extract.extract_id,
            "m": extract.manufacturer_id,
            "first": extract.first_day,
            "last": extract.last_day,
            "categories": "; ".join(extract.categories),
            "rows": extract.rows.height,
            "left_out": extract.rows_left_out,
        },
    )


def write_extract(extract: Extract, folder: Path) -> list[Path]:
    """extract.csv, extract.parquet and manifest.json (the extract id, period, k and the
    fields) in `folder`, each written under a temporary name and renamed when whole."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "extract_id": extract.extract_id,
        "manufacturer_id": extract.manufacturer_id,
        "from": extract.first_day.isoformat(),
        "to": extract.last_day.isoformat(),
        "min_households": extract.min_households,
        "rows": extract.rows.height,
        "fields": FIELDS,
        "note": "household is a pseudonym for this extract only; a null field ('*' in the"
        " CSV) was generalised so that every row shares its fields with at least"
        f" {extract.min_households - 1} others",
    }
    written = []
    for name, write in (
        ("extract.csv", lambda p: extract.rows.write_csv(p, null_value="*")),
        ("extract.parquet", lambda p: extract.rows.write_parquet(p)),
        ("manifest.json", lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n")),
    ):
        path = folder / name
        part = path.with_name(name + ".part")
        write(part)
        part.replace(path)
        written.append(path)
    return written


def _top_coded(name: str) -> pl.Expr:
    count = pl.col(name).clip(0, TOP_COUNT).cast(pl.String)
    return pl.when(pl.col(name) >= TOP_COUNT).then(pl.lit(f"{TOP_COUNT}+")).otherwise(count)


def _banded(value: pl.Expr, bounds: tuple[float, ...], label: str, step: float) -> pl.Expr:
    """'0' below the first bound, then 'a-b' per band ('b' less `step` for whole units),
    the last 'a+'."""
    labels = [label.format(0)]
    for low, high in itertools.pairwise(bounds):
        upper = high - step
        first = label.format(_number(low))
        labels.append(first if upper <= low else f"{first}-{label.format(_number(upper))}")
    labels.append(f"{label.format(_number(bounds[-1]))}+")
    below = [
        pl.when(value < bound).then(pl.lit(text))
        for bound, text in zip(bounds, labels, strict=False)
    ]
    return pl.coalesce(*below, pl.lit(labels[-1]))


def _number(value: float) -> str:
    return f"{value:g}" if value >= 1 else "0"

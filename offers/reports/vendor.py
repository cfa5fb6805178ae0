"""The figures of a manufacturer's report, every one resting on at least k households.

Input: the warehouse (scans, products, deals, runs with their treated and holdout
households, lists, redemptions synced from the lanes). Output: `VendorReport`, five
tables with no household named, no household id and no figure below k (suppressed
figures are null; `suppression.py` decides which):

- cells: per category the manufacturer sells in, the nine brand segment x usage cells as
  of the day after the period, with row ('all' usage), column ('all' segment) and grand
  totals: households, units, spend (dollars), manufacturer_spend (dollars) and
  manufacturer_share (its share of the cell's spend, 0-1);
- migration: per category, households moving between brand segments from the start to
  the end of the period (also 'unsegmented' and 'not buying');
- deals: per deal it funded running in the period: households whose list carried it,
  redeemers, redemptions, discount (dollars), redemption_rate (redeemers / carrying),
  funding (redemptions x funding per redemption, dollars) against budget_cap;
- deal_cells: the same reach by the carrying household's cell;
- lift: per deal and for all its deals together ('all deals'), treated against holdout
  households of the runs overlapping the deal, over the overlaps: the difference in mean
  units and spend (dollars) per household on the deal's scope, with a 95 % bootstrap
  percentile interval (households resampled within each arm), and how many households
  each arm has (treated, holdout).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import numpy as np
import polars as pl
from numpy.typing import NDArray

from offers.config import ReportSettings, SegmentSettings
from offers.reports.suppression import Published, suppress
from offers.segments import BRAND_SEGMENTS, USAGE_LEVELS, brand_segments, migration
from offers.warehouse import frame, midnight, rows

_SQL = resources.files("offers").joinpath("sql/reports")
_MANUFACTURER_SPEND_SQL = _SQL.joinpath("manufacturer_spend.sql").read_text()
_DEAL_REACH_SQL = _SQL.joinpath("deal_reach.sql").read_text()
_DEAL_OUTCOMES_SQL = _SQL.joinpath("deal_outcomes.sql").read_text()

ALL = "all"
STATES = (*BRAND_SEGMENTS, "unsegmented", "not buying")
"""Where a household can be in a category at a date, for migration."""
ALL_DEALS = "all deals"


class ReportError(Exception):
    """The report cannot be made as asked (an unknown manufacturer, an empty period)."""


@dataclass(frozen=True)
class VendorReport:
    manufacturer_id: int
    first_day: dt.date
    last_day: dt.date
    min_households: int
    categories: list[str]
    cells: pl.DataFrame
    migration: pl.DataFrame
    deals: pl.DataFrame
    deal_cells: pl.DataFrame
    lift: pl.DataFrame


def vendor_report(
    con: duckdb.DuckDBPyConnection,
    manufacturer_id: int,
    first_day: dt.date,
    last_day: dt.date,
    settings: ReportSettings | None = None,
    segment_settings: SegmentSettings | None = None,
    only: list[str] | None = None,
) -> VendorReport:
    """The report's tables for `manufacturer_id` over [first_day, last_day] (rules in
    the module docstring); with `only`, for those of its categories alone and the deals
    whose scope reaches into one of them."""
    settings = settings or ReportSettings()
    k = settings.min_households
    categories = report_categories(con, manufacturer_id, first_day, last_day, only)
    end = last_day + dt.timedelta(days=1)
    segment_settings = segment_settings or SegmentSettings()
    after = brand_segments(con, end, segment_settings).filter(pl.col("category").is_in(categories))
    before = brand_segments(con, first_day, segment_settings).filter(
        pl.col("category").is_in(categories)
    )
    spend = frame(
        con,
        _MANUFACTURER_SPEND_SQL,
        {
            "manufacturer_id": manufacturer_id,
            "window_start": midnight(end) - dt.timedelta(weeks=segment_settings.window_weeks),
            "as_of": midnight(end),
        },
    )
    period = {"manufacturer_id": manufacturer_id, "from": first_day, "to": last_day}
    reach = frame(con, _DEAL_REACH_SQL, period)
    outcomes = frame(con, _DEAL_OUTCOMES_SQL, period)
    deal_terms = frame(
        con,
        "SELECT deal_id, description, CAST(funding_per_redemption AS DOUBLE) AS funding_each,"
        " CAST(budget_cap AS DOUBLE) AS budget_cap FROM deal WHERE manufacturer_id = $m"
        " AND valid_from <= $to AND valid_to >= $from ORDER BY deal_id",
        {"m": manufacturer_id, "from": first_day, "to": last_day},
    )
    if only:
        reaching = frame(
            con,
            "SELECT DISTINCT sc.deal_id FROM deal_scope AS sc"
            " JOIN product AS p ON p.product_id = sc.product_id"
            " WHERE list_contains($categories, p.category)",
            {"categories": categories},
        )["deal_id"]
        reach, outcomes, deal_terms = (
            table.filter(pl.col("deal_id").is_in(reaching))
            for table in (reach, outcomes, deal_terms)
        )
    return VendorReport(
        manufacturer_id=manufacturer_id,
        first_day=first_day,
        last_day=last_day,
        min_households=k,
        categories=categories,
        cells=cell_table(after, spend, categories, k),
        migration=migration_table(before, after, categories, k),
        deals=deal_table(reach, deal_terms, k),
        deal_cells=deal_cell_table(reach, k),
        lift=lift_table(outcomes, k, settings.bootstrap_draws),
    )


def report_categories(
    con: duckdb.DuckDBPyConnection,
    manufacturer_id: int,
    first_day: dt.date,
    last_day: dt.date,
    only: list[str] | None = None,
) -> list[str]:
    """The categories a report on a manufacturer covers: those it makes products in,
    sorted (those of `only`, when given). ReportError when the period ends before it
    starts, when it makes nothing, or when `only` names a category it makes nothing in."""
    if last_day < first_day:
        raise ReportError(f"--to {last_day} is before --from {first_day}")
    categories = [
        str(r[0])
        for r in rows(
            con,
            "SELECT DISTINCT category FROM product WHERE manufacturer_id = $m"
            " AND category IS NOT NULL ORDER BY 1",
            {"m": manufacturer_id},
        )
    ]
    if not categories:
        raise ReportError(f"manufacturer {manufacturer_id} makes no product in the warehouse")
    unknown = sorted(set(only or ()) - set(categories))
    if unknown:
        raise ReportError(
            f"manufacturer {manufacturer_id} makes nothing in {', '.join(unknown)};"
            f" its categories: {', '.join(categories)}"
        )
    return [c for c in categories if not only or c in only]


def cell_table(
    segments: pl.DataFrame, spend: pl.DataFrame, categories: list[str], k: int
) -> pl.DataFrame:
    """Nine cells and their totals per category (module docstring), suppressed at k.

    Input: brand_segments output; manufacturer_spend.sql output (household_id, category,
    manufacturer_units, manufacturer_spend)."""
    joined = segments.filter(pl.col("brand_segment") != "unsegmented").join(
        spend, on=["household_id", "category"], how="left"
    )
    made = []
    for category in categories:
        inside = joined.filter(pl.col("category") == category)
        sums = {
            (row["brand_segment"], row["usage"]): row
            for row in inside.group_by("brand_segment", "usage")
            .agg(
                households=pl.len(),
                units=pl.col("units").sum(),
                spend=pl.col("spend").sum(),
                manufacturer_spend=pl.col("manufacturer_spend").fill_null(0).sum(),
            )
            .iter_rows(named=True)
        }
        counts = _grid(sums, "households")
        shown = suppress(counts, k)
        figures = [(s, u, shown.cells[i, j]) for i, s in enumerate(BRAND_SEGMENTS)
                   for j, u in enumerate(USAGE_LEVELS)]  # fmt: skip
        figures += [(s, ALL, shown.rows[i]) for i, s in enumerate(BRAND_SEGMENTS)]
        figures += [(ALL, u, shown.columns[j]) for j, u in enumerate(USAGE_LEVELS)]
        figures += [(ALL, ALL, shown.grand)]
        for segment, usage, is_shown in figures:
            picked = [
                row for (s, u), row in sums.items() if segment in (ALL, s) and usage in (ALL, u)
            ]
            total = {
                key: sum(row[key] or 0 for row in picked)
                for key in ("households", "units", "spend", "manufacturer_spend")
            }
            made.append({
                "category": category, "brand_segment": segment, "usage": usage,
                "households": total["households"] if is_shown else None,
                "units": total["units"] if is_shown else None,
                "spend": round(total["spend"], 2) if is_shown else None,
                "manufacturer_spend": round(total["manufacturer_spend"], 2) if is_shown else None,
                # from the dollars as printed: float sums in another order differ in
                # the last bits, the rounded dollars do not
                "manufacturer_share": (
                    round(total["manufacturer_spend"], 2) / round(total["spend"], 2)
                    if is_shown and round(total["spend"], 2) > 0 else None
                ),
            })  # fmt: skip
    return pl.DataFrame(
        made,
        schema={
            "category": pl.String, "brand_segment": pl.String, "usage": pl.String,
            "households": pl.Int64, "units": pl.Int64, "spend": pl.Float64,
            "manufacturer_spend": pl.Float64, "manufacturer_share": pl.Float64,
        },
    )  # fmt: skip


def migration_table(
    before: pl.DataFrame, after: pl.DataFrame, categories: list[str], k: int
) -> pl.DataFrame:
    """Households from one state (STATES) to another per category, suppressed at k with
    the brand segments' totals at either end taken as known; a row for every flow
    (households null when suppressed, zeros included)."""
    flows = migration(before, after)
    made = []
    for category in categories:
        found = {
            (row["from_segment"], row["to_segment"]): int(row["households"])
            for row in flows.filter(pl.col("category") == category).iter_rows(named=True)
        }
        counts = np.array([[found.get((a, b), 0) for b in STATES] for a in STATES])
        # a brand segment's households at the end are in the cells table, and at the
        # start in the cells table of a report ending the day before: taken as known
        segment = np.array([state in BRAND_SEGMENTS for state in STATES])
        shown = suppress(counts, k, _known(counts, k, rows=segment, columns=segment))
        for i, start in enumerate(STATES):
            for j, end in enumerate(STATES):
                if start == end == "not buying":
                    continue  # not a flow
                # every other flow has its row, zero or not: a missing row would say 0
                made.append({
                    "category": category, "from_segment": start, "to_segment": end,
                    "households": int(counts[i, j]) if shown.cells[i, j] else None,
                })  # fmt: skip
    return pl.DataFrame(
        made,
        schema={"category": pl.String, "from_segment": pl.String, "to_segment": pl.String,
                "households": pl.Int64},
    )  # fmt: skip


def deal_table(reach: pl.DataFrame, terms: pl.DataFrame, k: int) -> pl.DataFrame:
    """Per deal: reach, redemptions, cost against budget; suppressed at k (households
    carrying below k: all null; redeemers below k: the redemption figures null)."""
    totals = reach.group_by("deal_id").agg(
        households=pl.col("households").sum(),
        redeemers=pl.col("redeemers").sum(),
        redemptions=pl.col("redemptions").sum(),
        discount=pl.col("discount").sum(),
    )
    joined = terms.join(totals, on="deal_id", how="left").with_columns(
        pl.col("households", "redeemers", "redemptions").fill_null(0).cast(pl.Int64),
        pl.col("discount").fill_null(0.0),
    )
    carried = pl.col("households") >= k
    redeemed = carried & (pl.col("redeemers") >= k)
    return joined.select(
        "deal_id",
        "description",
        households=pl.when(carried).then(pl.col("households")),
        redeemers=pl.when(redeemed).then(pl.col("redeemers")),
        redemptions=pl.when(redeemed).then(pl.col("redemptions")),
        redemption_rate=pl.when(redeemed).then(pl.col("redeemers") / pl.col("households")),
        discount=pl.when(redeemed).then(pl.col("discount").round(2)),
        funding=pl.when(redeemed).then((pl.col("redemptions") * pl.col("funding_each")).round(2)),
        budget_cap=pl.col("budget_cap"),
    ).sort("deal_id")


def deal_cell_table(reach: pl.DataFrame, k: int) -> pl.DataFrame:
    """Per deal and cell: households carrying it and redeemers, each table suppressed
    at k with its grand total taken as known (the deals table's)."""
    made = []
    for deal_id in sorted(set(reach["deal_id"].to_list())):
        inside = reach.filter(
            (pl.col("deal_id") == deal_id) & pl.col("brand_segment").is_in(BRAND_SEGMENTS)
        )
        sums = {
            (row["brand_segment"], row["usage"]): row
            for row in inside.group_by("brand_segment", "usage")
            .agg(pl.col("households").sum(), pl.col("redeemers").sum())
            .iter_rows(named=True)
        }
        carrying, redeeming = _grid(sums, "households"), _grid(sums, "redeemers")
        # the deals table gives the deal's households and redeemers: taken as known
        shown_carrying = suppress(carrying, k, _known(carrying, k, grand=True))
        shown_redeeming = suppress(redeeming, k, _known(redeeming, k, grand=True))
        for i, segment in enumerate(BRAND_SEGMENTS):
            for j, usage in enumerate(USAGE_LEVELS):
                made.append({
                    "deal_id": deal_id, "brand_segment": segment, "usage": usage,
                    "households": int(carrying[i, j]) if shown_carrying.cells[i, j] else None,
                    "redeemers": int(redeeming[i, j]) if shown_redeeming.cells[i, j] else None,
                })  # fmt: skip
    return pl.DataFrame(
        made,
        schema={"deal_id": pl.String, "brand_segment": pl.String, "usage": pl.String,
                "households": pl.Int64, "redeemers": pl.Int64},
    )  # fmt: skip


def lift_table(outcomes: pl.DataFrame, k: int, draws: int, seed: int = 0) -> pl.DataFrame:
    """Treated minus holdout mean units and spend per household, per deal and for all
    deals together, with 95 % bootstrap percentile intervals; null when either arm has
    fewer than k households. The unit is the household: its outcomes are summed over
    the runs overlapping a deal (and, for all deals, over the deals), so a household
    planned in several cycles counts once and is resampled whole.

    Input: deal_outcomes.sql output (deal_id, run_id, household_id, arm, units, spend)."""
    per_deal = (
        outcomes.group_by("deal_id", "household_id", "arm")
        .agg(pl.col("units").sum(), pl.col("spend").sum())
        .sort("deal_id", "household_id", "arm")
    )  # sorted: the resamples repeat
    pooled = per_deal.group_by("household_id", "arm").agg(
        pl.col("units").sum(), pl.col("spend").sum()
    ).sort("household_id", "arm").with_columns(deal_id=pl.lit(ALL_DEALS))  # fmt: skip
    groups = [(d, per_deal.filter(pl.col("deal_id") == d))
              for d in sorted(set(per_deal["deal_id"].to_list()))]  # fmt: skip
    if not pooled.is_empty():
        groups.append((ALL_DEALS, pooled))
    made = []
    for deal_id, group in groups:
        treated = group.filter(pl.col("arm") == "treated")
        holdout = group.filter(pl.col("arm") == "holdout")
        row: dict[str, object] = {"deal_id": deal_id, "treated": treated.height,
                                  "holdout": holdout.height}  # fmt: skip
        enough = treated.height >= k and holdout.height >= k
        for measure in ("units", "spend"):
            a = treated[measure].cast(pl.Float64).to_numpy()
            b = holdout[measure].cast(pl.Float64).to_numpy()
            if enough:
                # the same seed for every group and measure: units and spend are
                # resampled alike, and the same households give the same interval
                low, high = _interval(a, b, draws, np.random.default_rng(seed))
                row |= {f"{measure}_lift": a.mean() - b.mean(), f"{measure}_low": low,
                        f"{measure}_high": high}  # fmt: skip
            else:
                row |= {f"{measure}_lift": None, f"{measure}_low": None, f"{measure}_high": None}
        if not enough:
            row |= {"treated": None, "holdout": None}
        made.append(row)
    schema: dict[str, type[pl.DataType]] = {"deal_id": pl.String, "treated": pl.Int64,
                                            "holdout": pl.Int64}  # fmt: skip
    for measure in ("units", "spend"):
        schema |= {f"{measure}_lift": pl.Float64, f"{measure}_low": pl.Float64,
                   f"{measure}_high": pl.Float64}  # fmt: skip
    return pl.DataFrame(made, schema=schema)


def _interval(
    treated: np.ndarray, holdout: np.ndarray, draws: int, rng: np.random.Generator
) -> tuple[float, float]:
    """2.5 and 97.5 percentiles of the difference in means over `draws` resamples of
    each arm (with replacement, same size), drawn in blocks to bound memory."""
    differences = []
    block = max(1, 2_000_000 // max(len(treated), len(holdout), 1))
    for start in range(0, draws, block):
        size = min(block, draws - start)
        a = treated[rng.integers(0, len(treated), (size, len(treated)))].mean(axis=1)
        b = holdout[rng.integers(0, len(holdout), (size, len(holdout)))].mean(axis=1)
        differences.append(a - b)
    every = np.concatenate(differences)
    return float(np.percentile(every, 2.5)), float(np.percentile(every, 97.5))


def _known(
    counts: NDArray[np.int64],
    k: int,
    rows: NDArray[np.bool_] | None = None,
    columns: NDArray[np.bool_] | None = None,
    grand: bool = False,
) -> Published:
    """The totals of `counts` another table publishes: of the rows, columns and grand
    total named, those of k households or more (smaller ones it suppresses)."""
    n_rows, n_columns = counts.shape
    named_rows = np.zeros(n_rows, dtype=bool) if rows is None else rows
    named_columns = np.zeros(n_columns, dtype=bool) if columns is None else columns
    return Published(
        cells=np.zeros(counts.shape, dtype=bool),
        rows=named_rows & (counts.sum(axis=1) >= k),
        columns=named_columns & (counts.sum(axis=0) >= k),
        grand=grand and bool(counts.sum() >= k),
    )


def _grid(sums: dict[tuple[str, str], dict[str, Any]], key: str) -> NDArray[np.int64]:
    """`key` of each brand segment (rows) x usage (columns) cell; 0 where none."""
    return np.array(
        [
            [int((sums.get((s, u)) or {}).get(key) or 0) for u in USAGE_LEVELS]
            for s in BRAND_SEGMENTS
        ]
    )

"""Relevance of a planned run: did households buy what their lists offered?

Measured on a warehouse that holds the scans after the run's as-of. For the run's treated
households with at least one offer line:

- household hit rate: the share of households that bought, in the list window, at least
  one of the items offered on their list;
- line hit rate: the share of offer lines whose item the household bought in the window;
- and both again counting a line bought when the household bought any product in the
  scope of its deal (a deal on a brand or a coupon on many products redeems on any).

Each against the same figures for a random choice of lines from the same deals in the same
run: the run's offer lines (deal and item together) dealt out again at random (a seeded
permutation over all offer lines), so every household keeps its number of offers and every
deal and item its number of lines; only who gets which changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources

import duckdb
import numpy as np
import polars as pl

from offers.deals import deal_items
from offers.runs import stored_run
from offers.warehouse import frame, midnight, registered, value

_OFFERED_BOUGHT_SQL = resources.files("offers").joinpath("sql/runs/offered_bought.sql").read_text()

_OFFER_LINES_SQL = """
SELECT s.household_id, l.product_id, l.deal_id
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
WHERE s.run_id = $run_id AND l.deal_id IS NOT NULL
ORDER BY s.household_id, l.line_number
"""


@dataclass(frozen=True)
class PlanRelevance:
    """The engine's and the random lines' hit rates (shares, 0-1) for one run; the
    `scope_` ones count any product in the deal's scope as bought."""

    run_id: str
    households: int
    offer_lines: int
    household_hit_rate: float
    random_household_hit_rate: float
    line_hit_rate: float
    random_line_hit_rate: float
    scope_household_hit_rate: float
    random_scope_household_hit_rate: float
    scope_line_hit_rate: float
    random_scope_line_hit_rate: float

    @property
    def household_ratio(self) -> float:
        return _ratio(self.household_hit_rate, self.random_household_hit_rate)

    @property
    def line_ratio(self) -> float:
        return _ratio(self.line_hit_rate, self.random_line_hit_rate)


def _share(flags: pl.Series) -> float:
    """The share (0-1) of True in a Boolean column; 0 when empty."""
    return float(flags.cast(pl.Float64).sum()) / flags.len() if flags.len() else 0.0


def _ratio(engine: float, random: float) -> float:
    return engine / random if random > 0 else float("inf")


def evaluate_plan(con: duckdb.DuckDBPyConnection, run_id: str, *, seed: int = 0) -> PlanRelevance:
    """The run's relevance (module docstring); `seed` draws the random lines.

    Raises RunNotFoundError for an unknown run, ValueError when the warehouse has no scan in
    the run's window (nothing to judge against).
    """
    run = stored_run(con, run_id)
    as_of, last_day = run["as_of"], run["valid_to"]
    window_end = last_day + dt.timedelta(days=1)
    start, end = midnight(as_of), midnight(window_end)
    scans_after = value(
        con,
        "SELECT count(*) FROM scan_line WHERE scanned_at >= $start AND scanned_at < $end",
        {"start": start, "end": end},
    )
    if not scans_after:
        raise ValueError(
            f"the warehouse holds no scan between {as_of} and {last_day}: load the scans "
            "after the run's as-of to judge it"
        )
    engine = frame(con, _OFFER_LINES_SQL, {"run_id": run_id})
    order = np.random.default_rng(seed).permutation(engine.height)
    dealt = engine.select("product_id", "deal_id")[order]
    offered = pl.concat(
        [
            engine.with_columns(arm=pl.lit("engine")),
            engine.select("household_id").hstack(dealt).with_columns(arm=pl.lit("random")),
        ]
    )
    scope = deal_items(con, as_of, (window_end - as_of).days).select("deal_id", "product_id")
    with registered(con, {"offered": offered, "deal_item": scope}):
        judged = frame(con, _OFFERED_BOUGHT_SQL, {"window_start": start, "window_end": end})
    rates: dict[str, float] = {}
    for (arm,), part in judged.group_by("arm"):
        prefix = "" if arm == "engine" else "random_"
        for column, name in (("bought", ""), ("bought_in_scope", "scope_")):
            per_household = part.group_by("household_id").agg(pl.col(column).any())
            rates[f"{prefix}{name}line_hit_rate"] = _share(part[column])
            rates[f"{prefix}{name}household_hit_rate"] = _share(per_household[column])
    return PlanRelevance(
        run_id=run_id,
        households=engine["household_id"].n_unique(),
        offer_lines=engine.height,
        household_hit_rate=rates.get("household_hit_rate", 0.0),
        random_household_hit_rate=rates.get("random_household_hit_rate", 0.0),
        line_hit_rate=rates.get("line_hit_rate", 0.0),
        random_line_hit_rate=rates.get("random_line_hit_rate", 0.0),
        scope_household_hit_rate=rates.get("scope_household_hit_rate", 0.0),
        random_scope_household_hit_rate=rates.get("random_scope_household_hit_rate", 0.0),
        scope_line_hit_rate=rates.get("scope_line_hit_rate", 0.0),
        random_scope_line_hit_rate=rates.get("random_scope_line_hit_rate", 0.0),
    )

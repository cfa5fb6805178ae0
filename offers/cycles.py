"""Purchase cycles: when will each household buy each item again.

The model, per household x item (an item is a product, or a sub-category), from scan lines
strictly before as-of:

- Purchase occasions are days with a purchase. The interval after an occasion, in days,
  is log-normal around the household's own typical interval for that item, stretched by
  the units bought: after q units where it usually buys m, by (q / m) ** elasticity.
- Empirical Bayes: the household's typical log interval is a precision-weighted mix of
  its own intervals and the item's population (normal-normal), so two purchases lean on
  the population and fifty on the household. The item's population is itself pulled
  toward all items at its level with `prior_pairs` pseudo-pairs.
- A household that has bought the item only once repeats with the item's repeat rate
  (the share of its buyers who bought it again, shrunk the same way).
- The score is the renewal probability of a purchase in [as_of, as_of + horizon) given
  none since the last one s days ago, 1 - S(s + horizon) / S(s) with S the interval's
  survival function; times the repeat rate; times occasions / (occasions + habit) (a staple
  outranks an item bought twice); times exp(-s / (lapse x typical interval)) (an item not
  bought for many cycles fades). Something just bought is not due (small s); an item bought
  within the last `just_bought_days` (a list window) by a household whose every interval
  for it is longer than two windows scores 0: it is not re-offered. A longer horizon never
  lowers the score.
- Calibration: p_buy = g(score), with g one non-decreasing curve (isotonic regression)
  fit on earlier windows of 7, 14 and 28 days that end `calibration_gap_days` before
  as-of, on households that shopped in the window (as the backtest counts them). g keeps
  the score's order, is the same for every horizon, and does not move with the latest
  purchases, so the score's properties hold for p_buy too.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Literal

import duckdb
import numpy as np
import polars as pl
from scipy.special import log_ndtr, ndtri
from sklearn.isotonic import IsotonicRegression

from offers.config import CycleSettings
from offers.warehouse import frame, midnight, value

Level = Literal["product", "subcategory"]
LEVELS: tuple[Level, ...] = ("product", "subcategory")

MIN_BETWEEN_VARIANCE = 0.02
"""Floor on the between-household variance of log intervals (so no item's population
overrules every household's own history)."""
FALLBACK_LOG_INTERVAL = float(np.log(14.0))
FALLBACK_VARIANCE = 0.5
"""With no repeat purchase anywhere at the level: a two-week interval, log variance 0.5."""
INTERVAL_BAND = 1.2816
"""z for the 10th and 90th percentiles: the typical interval's 80 % band."""

_HISTORY_SQL = resources.files("offers").joinpath("sql/cycles/history.sql").read_text()


def history(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    level: Level = "product",
    settings: CycleSettings | None = None,
    *,
    sample_every: int = 1,
) -> pl.DataFrame:
    """Each household x item's purchase history before `as_of` (schema in history.sql);
    with `sample_every` n > 1, only households whose id is a multiple of n. Sorted by
    household and item (in the SQL), so the float sums made from it (item priors) repeat
    bit for bit."""
    settings = settings or CycleSettings()
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return frame(
        con,
        _HISTORY_SQL,
        {
            "as_of": midnight(as_of),
            "level": level,
            "quantity_elasticity": settings.quantity_elasticity,
            "sample_every": sample_every,
        },
    )


def _finite(value: object, fallback: float) -> float:
    """`value` as a float when it is a finite number, else `fallback`."""
    if isinstance(value, int | float) and np.isfinite(value):
        return float(value)
    return fallback


def item_priors(pairs: pl.DataFrame, settings: CycleSettings | None = None) -> pl.DataFrame:
    """Each item's population cycle, pulled toward all items' by `prior_pairs` pseudo-pairs.

    Input: history() output. Output: item_id, item_log_mean (mean log interval, days),
    within_var (variance of a household's log intervals around its own mean), between_var
    (variance of households' means around the item's), repeat_rate (share 0-1 of buyers who
    bought again), buyers.
    """
    settings = settings or CycleSettings()
    k = settings.prior_pairs
    repeaters = pairs.filter(pl.col("gaps") >= 1)
    overall = repeaters.select(
        log_mean=(pl.col("log_gap_mean") * pl.col("gaps")).sum() / pl.col("gaps").sum(),
        within=(pl.col("log_gap_var").fill_null(0) * (pl.col("gaps") - 1)).sum()
        / (pl.col("gaps") - 1).sum().clip(lower_bound=1),
    ).row(0, named=True)
    global_mean = _finite(overall["log_mean"], FALLBACK_LOG_INTERVAL)
    global_within = _finite(overall["within"], FALLBACK_VARIANCE) or FALLBACK_VARIANCE
    global_between = max(
        _finite(repeaters["log_gap_mean"].var(), FALLBACK_VARIANCE) - global_within * 0.5,
        MIN_BETWEEN_VARIANCE,
    )
    global_repeat = _finite((pairs["gaps"] >= 1).mean(), 0.5)

    per_item = (
        pairs.group_by("item_id")
        .agg(
            buyers=pl.len(),
            repeat_buyers=(pl.col("gaps") >= 1).sum(),
            gap_count=pl.col("gaps").sum(),
            weighted_sum=(pl.col("log_gap_mean") * pl.col("gaps")).sum(),
            within_sum=(pl.col("log_gap_var").fill_null(0) * (pl.col("gaps") - 1)).sum(),
            within_df=(pl.col("gaps") - 1).clip(lower_bound=0).sum(),
        )
        .with_columns(
            item_log_mean=(pl.col("weighted_sum") + k * global_mean) / (pl.col("gap_count") + k),
            within_var=(pl.col("within_sum") + k * global_within) / (pl.col("within_df") + k),
            repeat_rate=(pl.col("repeat_buyers") + k * global_repeat) / (pl.col("buyers") + k),
        )
    )
    spread = (
        repeaters.join(per_item.select("item_id", "item_log_mean"), on="item_id")
        .group_by("item_id")
        .agg(
            spread_sum=((pl.col("log_gap_mean") - pl.col("item_log_mean")) ** 2).sum(),
            spread_n=pl.len(),
        )
    )
    return (
        per_item.join(spread, on="item_id", how="left")
        .with_columns(
            between_var=(
                (pl.col("spread_sum").fill_null(0) + k * global_between)
                / (pl.col("spread_n").fill_null(0) + k)
            ).clip(lower_bound=MIN_BETWEEN_VARIANCE)
        )
        .select("item_id", "item_log_mean", "within_var", "between_var", "repeat_rate", "buyers")
    )


def scores(
    pairs: pl.DataFrame,
    priors: pl.DataFrame,
    as_of: dt.date,
    horizon: int,
    settings: CycleSettings | None = None,
) -> pl.DataFrame:
    """The uncalibrated score and the expected next date for every pair (module docstring).

    Input: history() and item_priors() outputs; horizon in days. Output: household_id,
    item_id, score (0-1), expected_date (DATE), days_since_last, typical_interval_days
    (the household's mean interval at its usual quantity), interval_low_days,
    interval_high_days (the 10th and 90th percentiles of its next interval), occasions,
    last_day.
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1 day")
    settings = settings or CycleSettings()
    joined = pairs.join(priors, on="item_id", how="left")
    gaps = joined["gaps"].to_numpy().astype(float)
    own_mean = np.nan_to_num(joined["log_gap_mean"].to_numpy().astype(float))
    item_mean = joined["item_log_mean"].to_numpy()
    within = joined["within_var"].to_numpy()
    between = joined["between_var"].to_numpy()
    precision = gaps / within + 1.0 / between
    log_mean = (gaps * own_mean / within + item_mean / between) / precision
    spread = np.sqrt(within + 1.0 / precision)
    stretch = settings.quantity_elasticity * np.log(
        joined["last_units"].to_numpy().astype(float) / joined["mean_units"].to_numpy()
    )
    next_log_mean = log_mean + stretch
    since = (as_of - joined["last_day"]).dt.total_days().to_numpy().astype(float)

    log_survival_now = log_ndtr(-(np.log(since) - next_log_mean) / spread)
    log_survival_later = log_ndtr(-(np.log(since + horizon) - next_log_mean) / spread)
    renewal = -np.expm1(log_survival_later - log_survival_now)
    repeat = np.where(gaps >= 1, 1.0, joined["repeat_rate"].to_numpy())
    occasions = joined["occasions"].to_numpy().astype(float)
    habit = occasions / (occasions + settings.habit_occasions)
    fading = np.exp(-since / (settings.lapse_cycles * np.exp(log_mean)))
    typical = np.exp(log_mean + within / 2.0)
    # Not re-offered: bought within the last list window by a household that has never
    # bought it again within two windows (every interval it shows is longer).
    window = settings.just_bought_days
    shortest = joined["shortest_gap_days"].fill_null(0).to_numpy().astype(float)
    just_bought = (since < window) & (shortest > 2 * window)
    score = np.where(just_bought, 0.0, np.clip(repeat * renewal * habit * fading, 0.0, 1.0))

    # Conditional median of the next interval, given it is longer than `since`.
    half_survival = np.exp(log_survival_now) / 2.0
    next_interval = np.exp(next_log_mean + spread * ndtri(1.0 - half_survival))
    next_interval = np.where(np.isfinite(next_interval), next_interval, since * 4)
    next_interval = np.maximum(next_interval, since)
    return joined.select(
        "household_id",
        "item_id",
        score=pl.Series(score),
        expected_date=pl.col("last_day")
        + pl.duration(days=pl.lit(pl.Series(np.round(next_interval)))),
        days_since_last=pl.Series(since.astype(np.int64)),
        typical_interval_days=pl.Series(typical),
        interval_low_days=pl.Series(np.exp(log_mean - INTERVAL_BAND * spread)),
        interval_high_days=pl.Series(np.exp(log_mean + INTERVAL_BAND * spread)),
        occasions="occasions",
        last_day="last_day",
    )


# Households that shopped in a window, and the items they bought in it.
_WINDOW_PURCHASES_SQL = """
SELECT DISTINCT
    s.household_id,
    CASE WHEN $level = 'product' THEN CAST(s.product_id AS VARCHAR) ELSE p.subcategory END
        AS item_id
FROM scan_line AS s
JOIN product AS p ON p.product_id = s.product_id
WHERE s.scanned_at >= $start AND s.scanned_at < $end AND s.quantity > 0
"""

CALIBRATION_WINDOWS = (7, 14, 28)
CALIBRATION_HOUSEHOLDS = 5_000
"""About this many households (a sample by id) are enough to fit the calibration curve."""


def window_purchases(
    con: duckdb.DuckDBPyConnection, start: dt.date, days: int, level: Level
) -> pl.DataFrame:
    """household_id, item_id of every purchase in [start, start + days) (item_id as text)."""
    return frame(
        con,
        _WINDOW_PURCHASES_SQL,
        {
            "level": level,
            "start": midnight(start),
            "end": midnight(start + dt.timedelta(days=days)),
        },
    )


def fit_calibration(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    level: Level = "product",
    settings: CycleSettings | None = None,
) -> IsotonicRegression | None:
    """The calibration curve g (score -> p_buy) for predictions as of `as_of`.

    Fit on windows of CALIBRATION_WINDOWS days ending settings.calibration_gap_days before
    as-of: the scores at each window's start against whether the household bought the item
    in it, for households that bought anything in it (a sample of about
    CALIBRATION_HOUSEHOLDS by id). None when there is nothing to fit.
    """
    settings = settings or CycleSettings()
    end = as_of - dt.timedelta(days=settings.calibration_gap_days)
    households = int(value(con, "SELECT count(*) FROM household"))
    sample_every = max(1, households // CALIBRATION_HOUSEHOLDS)
    scored, outcomes = [], []
    for days in CALIBRATION_WINDOWS:
        start = end - dt.timedelta(days=days)
        pairs = history(con, start, level, settings, sample_every=sample_every)
        if pairs.is_empty():
            continue
        bought = window_purchases(con, start, days, level)
        shoppers = bought.select("household_id").unique()
        rows = (
            scores(pairs, item_priors(pairs, settings), start, days, settings)
            .join(shoppers, on="household_id")
            .join(
                bought.with_columns(bought=pl.lit(1.0)), on=["household_id", "item_id"], how="left"
            )
        )
        scored.append(rows["score"].to_numpy())
        outcomes.append(rows["bought"].fill_null(0.0).to_numpy())
    if not scored or sum(len(part) for part in scored) == 0:
        return None
    curve = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    curve.fit(np.concatenate(scored), np.concatenate(outcomes))
    return curve


def predict(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    horizon: int = 14,
    level: Level = "product",
    settings: CycleSettings | None = None,
    *,
    calibrate: bool = True,
) -> pl.DataFrame:
    """Every household x item bought before `as_of`: p_buy within `horizon` days, and when.

    Output: household_id, item_id (the product id, Int64, at product level; the
    sub-category name at subcategory level), p_buy (0-1), and the other columns of
    `scores`. Without `calibrate` (or with no earlier data to fit it on) p_buy is the
    uncalibrated score.
    """
    settings = settings or CycleSettings()
    pairs = history(con, as_of, level, settings)
    predicted = predict_from_history(
        con, pairs, as_of, horizon, level, settings, calibrate=calibrate
    )
    if level == "product":
        predicted = predicted.with_columns(pl.col("item_id").cast(pl.Int64))
    return predicted


def predict_from_history(
    con: duckdb.DuckDBPyConnection,
    pairs: pl.DataFrame,
    as_of: dt.date,
    horizon: int,
    level: Level,
    settings: CycleSettings,
    *,
    calibrate: bool = True,
) -> pl.DataFrame:
    """`predict` for a history already read (item_id stays text): scores, then p_buy through
    the calibration curve when asked for and there is data to fit it."""
    predicted = scores(pairs, item_priors(pairs, settings), as_of, horizon, settings)
    curve = fit_calibration(con, as_of, level, settings) if calibrate else None
    p_buy = (
        curve.predict(predicted["score"].to_numpy()) if curve is not None else predicted["score"]
    )
    return predicted.with_columns(p_buy=pl.Series(p_buy, dtype=pl.Float64)).select(
        "household_id", "item_id", "p_buy", pl.exclude("household_id", "item_id", "p_buy")
    )


_HOUSEHOLD_PURCHASES_SQL = """
SELECT
    CASE WHEN $level = 'product' THEN CAST(s.product_id AS VARCHAR) ELSE p.subcategory END
        AS item_id,
    CAST(s.scanned_at AS DATE) AS day,
    CAST(sum(s.quantity) AS BIGINT) AS units
FROM scan_line AS s
JOIN product AS p ON p.product_id = s.product_id
WHERE s.household_id = $household AND s.scanned_at < $as_of AND s.quantity > 0
GROUP BY ALL
"""

_ITEM_NAMES_SQL = """
SELECT
    CAST(product_id AS VARCHAR) AS item_id,
    coalesce(description, trim(coalesce(brand, '') || ' ' || coalesce(subcategory, '')
        || ' ' || coalesce(size, ''))) AS item_name
FROM product
"""


def household_purchases(
    con: duckdb.DuckDBPyConnection, household_id: int, as_of: dt.date, level: Level = "product"
) -> pl.DataFrame:
    """One household's purchase occasions before `as_of`: item_id (text), day, units."""
    return frame(
        con,
        _HOUSEHOLD_PURCHASES_SQL,
        {"household": household_id, "as_of": midnight(as_of), "level": level},
    )


def item_names(con: duckdb.DuckDBPyConnection, level: Level = "product") -> pl.DataFrame:
    """item_id (text) and a readable item_name for every item at `level`."""
    if level == "subcategory":
        return frame(
            con,
            "SELECT DISTINCT subcategory AS item_id, subcategory AS item_name FROM product "
            "WHERE subcategory IS NOT NULL",
        )
    return frame(con, _ITEM_NAMES_SQL)

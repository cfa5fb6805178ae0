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
  bought for many cycles fades); times the item's store-wide trend ** trend_power (an item
  more households bought in the last 14 days than its pace over the year comes sooner; no
  horizon in it, so the horizon rule below holds). Something just bought is not due
  (small s); an item bought within the last `just_bought_days` (a list window) by a
  household whose every interval for it is longer than two windows scores 0: it is not
  re-offered. A longer horizon never lowers the score.
- Calibration: p_buy = g(score), with g one non-decreasing curve (isotonic regression)
  fit on earlier windows of 7, 14 and 28 days that end `calibration_gap_days` before
  as-of, on households that shopped in the window (as the backtest counts them). g keeps
  the score's order, is the same for every horizon, and does not move with the latest
  purchases, so the score's properties hold for p_buy too.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from scipy.special import log_ndtr, ndtri
from sklearn.isotonic import IsotonicRegression

from offers.config import CycleSettings
from offers.occasions import (
    Floats,
    Level,
    Occasions,
    bought_between,
    pair_history,
    read_occasions,
    with_product_items,
)
from offers.warehouse import frame, midnight

MIN_BETWEEN_VARIANCE = 0.02
"""Floor on the between-household variance of log intervals (so no item's population
overrules every household's own history)."""
FALLBACK_LOG_INTERVAL = float(np.log(14.0))
FALLBACK_VARIANCE = 0.5
"""With no repeat purchase anywhere at the level: a two-week interval, log variance 0.5."""
INTERVAL_BAND = 1.2816
"""z for the 10th and 90th percentiles: the typical interval's 80 % band."""


def history(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    level: Level = "product",
    settings: CycleSettings | None = None,
) -> pl.DataFrame:
    """Each household x item's purchase history before `as_of` (schema in
    offers.occasions.pair_history)."""
    settings = settings or CycleSettings()
    return pair_history(read_occasions(con, as_of, level), settings.quantity_elasticity)


def item_priors(pairs: pl.DataFrame, settings: CycleSettings | None = None) -> pl.DataFrame:
    """Each item's population cycle, pulled toward all items' by `prior_pairs` pseudo-pairs.

    Input: history() output. Output: item_id, item_log_mean (mean log interval, days),
    within_var (variance of a household's log intervals around its own mean), between_var
    (variance of households' means around the item's), repeat_rate (share 0-1 of buyers who
    bought again), buyers.
    """
    settings = settings or CycleSettings()
    k = settings.prior_pairs
    # Every figure below is a sum over pairs, so one group-by of plain sums makes them all;
    # the spread of households' means around the item's mean comes from sums of x and x^2.
    intervals = pl.col("gaps").cast(pl.Float64)
    within_df = (intervals - 1).clip(lower_bound=0)
    own_mean = pl.col("log_gap_mean").fill_null(0)
    terms = pairs.select(
        "item_id",
        repeat_buyers=(pl.col("gaps") >= 1).cast(pl.Float64),
        gap_count=intervals,
        weighted_sum=own_mean * intervals,
        within_sum=pl.col("log_gap_var").fill_null(0) * within_df,
        within_df=within_df,
        mean_sum=own_mean,
        mean_squares=own_mean * own_mean,
    )
    sums = [column for column in terms.columns if column != "item_id"]
    overall = terms.select(pl.col(sums).sum(), buyers=pl.len()).row(0, named=True)
    global_mean = (
        overall["weighted_sum"] / overall["gap_count"]
        if overall["gap_count"] > 0
        else FALLBACK_LOG_INTERVAL
    )
    global_within = (
        overall["within_sum"] / max(overall["within_df"], 1.0) or FALLBACK_VARIANCE
        if overall["gap_count"] > 0
        else FALLBACK_VARIANCE
    )
    repeaters = overall["repeat_buyers"]
    means_var = (
        (overall["mean_squares"] - overall["mean_sum"] ** 2 / repeaters) / (repeaters - 1)
        if repeaters > 1
        else FALLBACK_VARIANCE
    )
    global_between = max(means_var - global_within * 0.5, MIN_BETWEEN_VARIANCE)
    global_repeat = repeaters / overall["buyers"] if overall["buyers"] else 0.5

    item_log_mean = (pl.col("weighted_sum") + k * global_mean) / (pl.col("gap_count") + k)
    # sum over the item's repeaters of (their mean - the item's)^2
    spread_sum = (
        pl.col("mean_squares")
        - 2 * item_log_mean * pl.col("mean_sum")
        + pl.col("repeat_buyers") * item_log_mean**2
    ).clip(lower_bound=0)
    return (
        terms.group_by("item_id")
        .agg(pl.col(sums).sum(), buyers=pl.len())
        .select(
            "item_id",
            item_log_mean=item_log_mean,
            within_var=(pl.col("within_sum") + k * global_within) / (pl.col("within_df") + k),
            between_var=((spread_sum + k * global_between) / (pl.col("repeat_buyers") + k)).clip(
                lower_bound=MIN_BETWEEN_VARIANCE
            ),
            repeat_rate=(pl.col("repeat_buyers") + k * global_repeat) / (pl.col("buyers") + k),
            buyers="buyers",
        )
    )


TREND_DAYS = 14
TREND_YEAR_DAYS = 364


def item_trend(pairs: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Each item's store-wide trend: how many households bought it in the TREND_DAYS (14)
    before as-of against the steady pace of its buyers over the 364 days before, with one
    pseudo-buyer at that pace: (recent + 1) / ((year + 26) x 14 / 364). 1 is steady, 2 is
    twice the pace.

    Input: history() output (a pair's last_day tells whether the household bought in a
    window). Output: item_id, trend (> 0).
    """
    pace = TREND_DAYS / TREND_YEAR_DAYS

    def buyers_since(days: int) -> pl.Expr:
        return (pl.col("last_day") >= as_of - dt.timedelta(days=days)).sum()

    return pairs.group_by("item_id").agg(
        trend=(buyers_since(TREND_DAYS) + 1) / ((buyers_since(TREND_YEAR_DAYS) + 1 / pace) * pace)
    )


@dataclass(frozen=True)
class _Renewal:
    """The model's arrays for every pair: `pairs` (history joined to its item's prior, in
    the order of the arrays), score (0-1), and what the next interval is drawn from."""

    pairs: pl.DataFrame
    score: Floats
    log_mean: Floats
    spread: Floats
    next_log_mean: Floats
    since: Floats
    log_survival_now: Floats


def _renewal(
    pairs: pl.DataFrame,
    priors: pl.DataFrame,
    as_of: dt.date,
    horizon: int,
    settings: CycleSettings,
) -> _Renewal:
    """The uncalibrated score of every pair (module docstring); horizon in days."""
    if horizon < 1:
        raise ValueError("horizon must be at least 1 day")
    per_item = priors.join(item_trend(pairs, as_of), on="item_id", how="left")
    joined = pairs.join(per_item, on="item_id", how="left")

    def column(name: str) -> Floats:
        values: Floats = joined[name].fill_null(0).cast(pl.Float64).to_numpy()
        return values

    gaps, within, between = column("gaps"), column("within_var"), column("between_var")
    precision = gaps / within + 1.0 / between
    log_mean = gaps * column("log_gap_mean") / within + column("item_log_mean") / between
    log_mean /= precision
    spread = np.sqrt(within + 1.0 / precision)
    next_log_mean = np.log(column("last_units") / column("mean_units"))
    next_log_mean *= settings.quantity_elasticity
    next_log_mean += log_mean
    since = (as_of - joined["last_day"]).dt.total_days().cast(pl.Float64).to_numpy()

    log_survival_now = log_ndtr((next_log_mean - np.log(since)) / spread)
    renewal = log_ndtr((next_log_mean - np.log(since + horizon)) / spread)
    renewal -= log_survival_now
    renewal = -np.expm1(renewal, out=renewal)
    occasions = column("occasions")
    # repeat x renewal x habit x fading
    score = np.where(gaps >= 1, renewal, renewal * column("repeat_rate"))
    score *= occasions / (occasions + settings.habit_occasions)
    score *= np.exp(-since / (settings.lapse_cycles * np.exp(log_mean)))
    score *= column("trend") ** settings.trend_power
    np.clip(score, 0.0, 1.0, out=score)
    # Not re-offered: bought within the last list window by a household that has never
    # bought it again within two windows (every interval it shows is longer).
    window = settings.just_bought_days
    score[(since < window) & (column("shortest_gap_days") > 2 * window)] = 0.0
    return _Renewal(joined, score, log_mean, spread, next_log_mean, since, log_survival_now)


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
    model = _renewal(pairs, priors, as_of, horizon, settings or CycleSettings())
    log_mean, spread, since = model.log_mean, model.spread, model.since
    within = model.pairs["within_var"].to_numpy()
    # Conditional median of the next interval, given it is longer than `since`.
    half_survival = np.exp(model.log_survival_now) / 2.0
    next_interval = np.exp(model.next_log_mean + spread * ndtri(1.0 - half_survival))
    next_interval = np.where(np.isfinite(next_interval), next_interval, since * 4)
    next_interval = np.maximum(next_interval, since)
    return model.pairs.select(
        "household_id",
        "item_id",
        score=pl.Series(model.score),
        expected_date=pl.col("last_day")
        + pl.duration(days=pl.lit(pl.Series(np.round(next_interval)))),
        days_since_last=pl.Series(since.astype(np.int64)),
        typical_interval_days=pl.Series(np.exp(log_mean + within / 2.0)),
        interval_low_days=pl.Series(np.exp(log_mean - INTERVAL_BAND * spread)),
        interval_high_days=pl.Series(np.exp(log_mean + INTERVAL_BAND * spread)),
        occasions="occasions",
        last_day="last_day",
    )


# Households that shopped in a window, and the items they bought in it (the items of the
# history: at sub-category level, products without one are left out).
_WINDOW_PURCHASES_SQL = with_product_items("""
SELECT DISTINCT s.household_id, i.item_id
FROM scan_line AS s
JOIN product_item AS i ON i.product_id = s.product_id
WHERE s.scanned_at >= $start AND s.scanned_at < $end AND s.quantity > 0
""")

CALIBRATION_WINDOWS = (7, 14, 28)
CALIBRATION_HOUSEHOLDS = 2_500
"""About this many households (a sample by id) are enough to fit the calibration curve."""


def window_purchases(
    con: duckdb.DuckDBPyConnection, start: dt.date, days: int, level: Level
) -> pl.DataFrame:
    """household_id, item_id of every purchase in [start, start + days): item_id the
    product id (Int64) or the sub-category name, as predict gives them."""
    bought = frame(
        con,
        _WINDOW_PURCHASES_SQL,
        {
            "level": level,
            "start": midnight(start),
            "end": midnight(start + dt.timedelta(days=days)),
        },
    )
    return bought.with_columns(pl.col("item_id").cast(pl.Int64)) if level == "product" else bought


def fit_calibration(
    occasions: Occasions, as_of: dt.date, settings: CycleSettings | None = None
) -> IsotonicRegression | None:
    """The calibration curve g (score -> p_buy) for predictions as of `as_of`, from the
    occasions before it.

    Fit on windows of CALIBRATION_WINDOWS days ending settings.calibration_gap_days before
    as-of: the scores at each window's start against whether the household bought the item
    in it, for households that bought anything in it (a sample of about
    CALIBRATION_HOUSEHOLDS by id). None when there is nothing to fit.
    """
    settings = settings or CycleSettings()
    end = as_of - dt.timedelta(days=settings.calibration_gap_days)
    sample = occasions.of_households_every(max(1, occasions.households() // CALIBRATION_HOUSEHOLDS))
    scored, outcomes = [], []
    for days in CALIBRATION_WINDOWS:
        start = end - dt.timedelta(days=days)
        pairs = pair_history(sample.before(start), settings.quantity_elasticity)
        if pairs.is_empty():
            continue
        bought = bought_between(sample, start, end)
        shoppers = bought.select("household_id").unique()
        model = _renewal(pairs, item_priors(pairs, settings), start, days, settings)
        rows = (
            model.pairs.select("household_id", "item_id", score=pl.Series(model.score))
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


def _through(curve: IsotonicRegression, score: pl.Series) -> Floats:
    """curve.predict(score), by the interpolation it stands for (clipped at both ends),
    without its input checks (a tenth of a second on 2.6 M scores)."""
    values: Floats = np.interp(score.to_numpy(), curve.X_thresholds_, curve.y_thresholds_)
    return values


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
    occasions = read_occasions(con, as_of, level)
    return predict_from_history(occasions, None, as_of, horizon, settings, calibrate=calibrate)


def predict_from_history(
    occasions: Occasions,
    pairs: pl.DataFrame | None,
    as_of: dt.date,
    horizon: int,
    settings: CycleSettings,
    *,
    calibrate: bool = True,
) -> pl.DataFrame:
    """`predict` for occasions already read before `as_of` and their pair_history (made
    here when None): scores, then p_buy through the calibration curve
    when asked for and there is data to fit it."""
    if pairs is None:
        pairs = pair_history(occasions, settings.quantity_elasticity)
    # The calibration needs only the occasions: it is fit on another core meanwhile.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fitting = pool.submit(fit_calibration, occasions, as_of, settings) if calibrate else None
        predicted = scores(pairs, item_priors(pairs, settings), as_of, horizon, settings)
        curve = fitting.result() if fitting is not None else None
    p_buy = predicted["score"].to_numpy() if curve is None else _through(curve, predicted["score"])
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

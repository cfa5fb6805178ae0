"""Backtests: are the purchase-cycle predictions right, on whatever is in the warehouse?

For each cutoff date, the model and three baselines computed in the same run rank every
counted household's items; the items it bought in [cutoff, cutoff + horizon) are the truth.
Counted households: a scan in the 8 weeks before the cutoff and at least one purchase in
the window. Baselines: P-TopFreq (the household's own items by purchase days, latest
first on ties), G-TopFreq (the most-bought items of all, the same list for everyone) and
Poisson-Gamma (a per-item gamma prior on each household's purchase rate; Bhagat et al.,
"Buy It Again", KDD 2018).

Metrics at k = 10, averaged over households then cutoffs: recall (share of the window's
items in the top k), precision, NDCG, PHR (share of households with a hit); and for the
probabilistic models over all their household x item rows: Brier score and expected
calibration error (10 equal-width bins).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from offers.config import CycleSettings
from offers.cycles import predict_from_history, window_purchases
from offers.occasions import Level, pair_history, read_occasions
from offers.warehouse import frame, midnight

TOP_K = 10
ACTIVE_WEEKS = 8
CALIBRATION_BINS = 10

# The households counted: a scan in the weeks before the cutoff.
_ACTIVE_SQL = """
SELECT DISTINCT household_id FROM scan_line WHERE scanned_at >= $start AND scanned_at < $end
"""


@dataclass(frozen=True)
class Backtest:
    """Per model: the averaged metrics; and every scored row for the reliability plot."""

    metrics: pl.DataFrame
    scored: pl.DataFrame


def _scores(
    con: duckdb.DuckDBPyConnection,
    cutoff: dt.date,
    horizon: int,
    level: Level,
    settings: CycleSettings,
) -> pl.DataFrame:
    """household_id, item_id and one score column per model (p_* are probabilities)."""
    occasions = read_occasions(con, cutoff, level)
    pairs = pair_history(occasions, settings.quantity_elasticity)
    model = predict_from_history(occasions, pairs, cutoff, horizon, settings)
    exposure = (cutoff - pairs["first_day"]).dt.total_days().cast(pl.Float64)
    rates = pairs.with_columns(exposure=exposure).with_columns(
        rate=pl.col("occasions") / pl.col("exposure")
    )
    # Poisson-Gamma: method-of-moments gamma prior per item on the households' rates.
    prior = rates.group_by("item_id").agg(
        mean=pl.col("rate").mean(), var=pl.col("rate").var(), exposure=pl.col("exposure").mean()
    )
    everyone = rates.select(mean=pl.col("rate").mean(), var=pl.col("rate").var()).row(0)
    prior = prior.with_columns(
        mean=pl.col("mean").fill_null(everyone[0]),
        var=pl.col("var").fill_null(everyone[1]),
    ).with_columns(
        # var(rate) = mean / exposure (Poisson) + mean^2 / alpha (gamma); floor the excess.
        alpha=pl.col("mean") ** 2
        / (pl.col("var") - pl.col("mean") / pl.col("exposure")).clip(lower_bound=1e-9)
    )
    poisson_gamma = (
        rates.join(prior.select("item_id", "mean", "alpha"), on="item_id")
        .with_columns(beta=pl.col("alpha") / pl.col("mean"))
        .select(
            "household_id",
            "item_id",
            p_poisson_gamma=1
            - (
                (pl.col("beta") + pl.col("exposure"))
                / (pl.col("beta") + pl.col("exposure") + horizon)
            )
            ** (pl.col("alpha") + pl.col("occasions")),
        )
    )
    popularity = pairs.group_by("item_id").agg(buyers=pl.len())
    return (
        model.select(
            "household_id", "item_id", p_model="p_buy", occasions="occasions", last_day="last_day"
        )
        .join(poisson_gamma, on=["household_id", "item_id"])
        .join(popularity, on="item_id")
        .with_columns(
            p_topfreq=pl.col("occasions").cast(pl.Float64)
            + (pl.col("last_day") - pl.lit(cutoff)).dt.total_days() / 1e6,
        )
    )


MODELS = {
    "cycles (offers)": "p_model",
    "P-TopFreq": "p_topfreq",
    "Poisson-Gamma": "p_poisson_gamma",
}
PROBABILISTIC = ("p_model", "p_poisson_gamma")


def backtest_cycles(
    con: duckdb.DuckDBPyConnection,
    cutoffs: list[dt.date],
    horizon: int = 14,
    level: Level = "product",
    settings: CycleSettings | None = None,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Run the backtest over `cutoffs` (see the module docstring for what is counted);
    `on_progress(done, total)` is called after each cutoff.

    Cutoffs with no household to count are skipped; ValueError when none is left.
    Output: metrics with one row per model: model, recall, precision, ndcg, phr, brier,
    ece (null for the rank-only baselines), households (summed over cutoffs); and scored,
    the model's p_buy with its outcome for every counted row (for reliability plots).
    """
    settings = settings or CycleSettings()
    per_cutoff = []
    scored_parts = []
    for done, cutoff in enumerate(cutoffs, start=1):
        if on_progress is not None and done > 1:
            on_progress(done - 1, len(cutoffs))
        start = midnight(cutoff)
        truth = window_purchases(con, cutoff, horizon, level)
        active = frame(
            con, _ACTIVE_SQL, {"start": start - dt.timedelta(weeks=ACTIVE_WEEKS), "end": start}
        )
        counted = active.join(truth.select("household_id").unique(), on="household_id")
        if counted.is_empty():
            continue
        truth = truth.join(counted, on="household_id")
        scores = _scores(con, cutoff, horizon, level, settings).join(counted, on="household_id")
        labelled = scores.join(
            truth.with_columns(bought=pl.lit(True)), on=["household_id", "item_id"], how="left"
        ).with_columns(pl.col("bought").fill_null(False))
        truth_size = truth.group_by("household_id").agg(relevant=pl.len())
        rows = []
        for name, column in MODELS.items():
            rows.append({"model": name, "cutoff": cutoff, **_ranking(labelled, column, truth_size)})
        rows.append(
            {"model": "G-TopFreq", "cutoff": cutoff, **_global_ranking(labelled, truth, truth_size)}
        )
        for row in rows:
            probability = MODELS.get(str(row["model"]))
            if probability in PROBABILISTIC:
                outcome = labelled["bought"].to_numpy()
                row.update(_calibration(labelled[probability].to_numpy(), outcome))
        per_cutoff.append(pl.DataFrame(rows))
        scored_parts.append(labelled.select("p_model", "bought"))
    if not per_cutoff:
        raise ValueError(
            "no household to count at any cutoff: none shopped in the 8 weeks before and "
            "bought something in the window"
        )
    metrics = (
        pl.concat(per_cutoff, how="diagonal_relaxed")
        .group_by("model", maintain_order=True)
        .agg(
            pl.col("recall", "precision", "ndcg", "phr", "brier", "ece").mean(),
            pl.col("households").sum(),
        )
    )
    return Backtest(metrics=metrics, scored=pl.concat(scored_parts))


def _ranking(labelled: pl.DataFrame, column: str, truth_size: pl.DataFrame) -> dict[str, float]:
    """Each household's top TOP_K rows by `column`; equal scores in item_id order, so the
    same data always gives the same top list."""
    top = (
        labelled.sort(["household_id", column, "item_id"], descending=[False, True, False])
        .with_columns(rank=pl.int_range(1, pl.len() + 1).over("household_id"))
        .filter(pl.col("rank") <= TOP_K)
    )
    return _metrics(top, truth_size)


def _global_ranking(
    labelled: pl.DataFrame, truth: pl.DataFrame, truth_size: pl.DataFrame
) -> dict[str, float]:
    popular = (
        labelled.select("item_id", "buyers").unique().sort("buyers", "item_id", descending=True)
    ).head(TOP_K)
    households = truth_size.select("household_id")
    top = (
        households.join(popular.with_row_index("rank", offset=1), how="cross")
        .join(truth.with_columns(bought=pl.lit(True)), on=["household_id", "item_id"], how="left")
        .with_columns(pl.col("bought").fill_null(False))
    )
    return _metrics(top, truth_size)


def _metrics(top: pl.DataFrame, truth_size: pl.DataFrame) -> dict[str, float]:
    """Recall, precision, NDCG and PHR at TOP_K from each household's ranked top rows."""
    discount = 1.0 / np.log2(np.arange(2, TOP_K + 2))
    ideal = np.concatenate([[0.0], np.cumsum(discount)])
    per_household = (
        top.group_by("household_id")
        .agg(
            hits=pl.col("bought").sum(),
            dcg=(
                pl.col("bought").cast(pl.Float64) / (pl.col("rank").cast(pl.Float64) + 1).log(2)
            ).sum(),
        )
        .join(truth_size, on="household_id", how="right")
        .with_columns(pl.col("hits").fill_null(0), pl.col("dcg").fill_null(0.0))
    )
    relevant = per_household["relevant"].to_numpy()
    best = ideal[np.minimum(relevant, TOP_K)]
    hits = per_household["hits"].to_numpy()
    return {
        "recall": float(np.mean(hits / relevant)),
        "precision": float(np.mean(hits / TOP_K)),
        "ndcg": float(np.mean(per_household["dcg"].to_numpy() / best)),
        "phr": float(np.mean(hits > 0)),
        "households": int(per_household.height),
    }


def calibration_table(
    p: np.ndarray, outcome: np.ndarray, bins: int = CALIBRATION_BINS
) -> pl.DataFrame:
    """Reliability: per equal-width bin of p (0-1), rows, mean p and observed share bought."""
    index = np.minimum((p * bins).astype(int), bins - 1)
    table = pl.DataFrame({"bin": index, "p": p, "bought": outcome.astype(float)})
    return (
        table.group_by("bin")
        .agg(rows=pl.len(), mean_p=pl.col("p").mean(), observed=pl.col("bought").mean())
        .sort("bin")
    )


def _calibration(p: np.ndarray, outcome: np.ndarray) -> dict[str, float]:
    table = calibration_table(p, outcome)
    weights = table["rows"].to_numpy() / len(p)
    gap = np.abs(table["mean_p"].to_numpy() - table["observed"].to_numpy())
    return {
        "brier": float(np.mean((p - outcome.astype(float)) ** 2)),
        "ece": float(np.sum(weights * gap)),
    }

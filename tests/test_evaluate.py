"""The backtest's metrics, worked out by hand on a small example."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from offers.evaluate import _calibration, _ranking, calibration_table


def test_ranking_metrics_by_hand() -> None:
    # Household 1 is offered a > b > c > d and bought a, c and x (x was never offered);
    # household 2 is offered e and bought z.
    labelled = pl.DataFrame(
        {
            "household_id": [1, 1, 1, 1, 2],
            "item_id": ["a", "b", "c", "d", "e"],
            "score": [0.9, 0.8, 0.7, 0.1, 0.5],
            "bought": [True, False, True, False, False],
        }
    )
    truth_size = pl.DataFrame({"household_id": [1, 2], "relevant": [3, 1]})
    metrics = _ranking(labelled, "score", truth_size)
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert metrics["recall"] == pytest.approx((2 / 3 + 0) / 2)
    assert metrics["precision"] == pytest.approx((2 / 10 + 0) / 2)
    assert metrics["ndcg"] == pytest.approx((dcg / ideal + 0) / 2)
    assert metrics["phr"] == pytest.approx(0.5)
    assert metrics["households"] == 2


def test_calibration_by_hand() -> None:
    p = np.array([0.05, 0.05, 0.95, 0.95])
    bought = np.array([False, True, True, True])
    table = calibration_table(p, bought)
    assert table.select("bin", "rows").rows() == [(0, 2), (9, 2)]
    assert table["observed"].to_list() == [0.5, 1.0]
    scores = _calibration(p, bought)
    assert scores["ece"] == pytest.approx(0.5 * 0.45 + 0.5 * 0.05)
    assert scores["brier"] == pytest.approx((0.05**2 + 0.95**2 + 0.05**2 + 0.05**2) / 4)

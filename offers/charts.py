"""Pictures for people who would rather look than read: PNG charts of the stages' outputs.

Each function takes a frame and a path and writes one PNG (matplotlib, no screen needed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

from offers.segments import BRAND_SEGMENTS, USAGE_LEVELS


def segment_heatmap(matrix: pl.DataFrame, category: str, path: Path) -> Path:
    """The nine-cell matrix of one category as a heatmap, shaded by households.

    Input: segment_matrix output (brand_segment, usage, households, units, spend).
    Each cell is labelled with its households, units and spend (dollars).
    """
    grid = np.zeros((len(BRAND_SEGMENTS), len(USAGE_LEVELS)))
    labels = [["" for _ in USAGE_LEVELS] for _ in BRAND_SEGMENTS]
    for row in matrix.iter_rows(named=True):
        i = BRAND_SEGMENTS.index(row["brand_segment"])
        j = USAGE_LEVELS.index(row["usage"])
        grid[i, j] = row["households"]
        labels[i][j] = (
            f"{row['households']:,} households\n{row['units']:,} units\n${row['spend']:,.0f}"
        )
    figure, axes = plt.subplots(figsize=(7, 4.8), dpi=120)
    image = axes.imshow(grid, cmap="Blues")
    axes.set_xticks(range(len(USAGE_LEVELS)), [f"{u} usage" for u in USAGE_LEVELS])
    axes.set_yticks(range(len(BRAND_SEGMENTS)), [f"{b}" for b in BRAND_SEGMENTS])
    axes.set_ylabel("brand loyalty")
    threshold = grid.max() / 2 if grid.max() > 0 else 1
    for i in range(len(BRAND_SEGMENTS)):
        for j in range(len(USAGE_LEVELS)):
            colour = "white" if grid[i, j] > threshold else "black"
            axes.text(j, i, labels[i][j], ha="center", va="center", fontsize=8, color=colour)
    axes.set_title(f"{category}: buyers by brand loyalty and usage")
    figure.colorbar(image, ax=axes, label="households")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def purchase_timeline(
    purchases: pl.DataFrame, upcoming: pl.DataFrame, title: str, as_of: dt.date, path: Path
) -> Path:
    """Past purchases (dots) and the predicted next one (a diamond with its 80 % band) of a
    household's top items, one row per item.

    Input: purchases (item_name, day) and upcoming (item_name, p_buy, expected_date,
    band_start, band_end), the top item first.
    """
    names = upcoming["item_name"].to_list()
    figure, axes = plt.subplots(figsize=(9, 0.55 * len(names) + 1.6), dpi=120)
    for row, name in enumerate(names):
        days = purchases.filter(pl.col("item_name") == name)["day"].to_list()
        axes.scatter(days, [row] * len(days), s=18, color="#1f4e79")
        item = upcoming.row(row, named=True)
        axes.plot(
            [item["band_start"], item["band_end"]], [row, row], color="#f0a030", linewidth=5,
            alpha=0.5, solid_capstyle="round",
        )  # fmt: skip
        axes.scatter([item["expected_date"]], [row], marker="D", s=40, color="#d0601a")
        axes.text(
            item["band_end"], row, f"  {item['p_buy']:.0%}", va="center", fontsize=8,
            color="#d0601a",
        )  # fmt: skip
    axes.axvline(float(mdates.date2num(as_of)), color="grey", linestyle="--", linewidth=1)  # type: ignore[no-untyped-call]
    axes.set_yticks(range(len(names)), [name[:38] for name in names], fontsize=8)
    axes.invert_yaxis()
    axes.set_title(f"{title}: purchases (dots) and the next one expected (diamond, 80 % band)")
    axes.title.set_fontsize(9)
    figure.autofmt_xdate()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def reliability_plot(table: pl.DataFrame, title: str, path: Path) -> Path:
    """Predicted against observed share bought, per bin of p (calibration_table output)."""
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(5.5, 6), dpi=120, gridspec_kw={"height_ratios": [3, 1]}, sharex=True
    )
    top.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    top.plot(table["mean_p"], table["observed"], marker="o", color="#1f4e79", label="model")
    top.set_ylabel("share bought in the window")
    top.set_title(title, fontsize=9)
    top.legend(loc="upper left")
    bottom.bar(table["mean_p"], table["rows"], width=0.06, color="#8fb3d9")
    bottom.set_yscale("log")
    bottom.set_xlabel("predicted p_buy")
    bottom.set_ylabel("rows")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path

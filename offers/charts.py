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
from matplotlib.figure import Figure

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
    title = f"{category}: buyers by brand loyalty and usage"
    return _nine_cells(grid, labels, "Blues", title, (7, 4.8), path, fontsize=8)


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
    return _save(figure, path)


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
    return _save(figure, path)


def deal_budget_chart(by_deal: pl.DataFrame, path: Path, *, top: int = 25) -> Path:
    """Each deal's expected cost in a run against its budget cap, as horizontal bars.

    Input: offers.run_summary by_deal (deal_id, expected_cost, budget_cap in dollars); the
    `top` deals by expected cost. A deal with a cap shows the cap as a grey bar behind.
    """
    shown = by_deal.head(top).reverse()
    names = shown["deal_id"].to_list()
    costs = shown["expected_cost"].to_numpy()
    caps = shown["budget_cap"].fill_null(0.0).to_numpy()
    figure, axes = plt.subplots(figsize=(8, 0.32 * len(names) + 1.4), dpi=120)
    positions = np.arange(len(names))
    axes.barh(positions, caps, color="#dddddd", label="budget cap")
    axes.barh(positions, costs, height=0.5, color="#1f77b4", label="expected cost, this run")
    axes.set_yticks(positions, names, fontsize=8)
    axes.set_xlabel("dollars")
    axes.set_title("Expected redemption cost per deal against its cap")
    axes.legend(loc="lower right", fontsize=8)
    return _save(figure, path)


def tier_face_chart(by_tier: pl.DataFrame, budgets: dict[str, float], path: Path) -> Path:
    """Average and largest face value of a list per value tier, with each tier's budget.

    Input: offers.run_summary by_tier (tier, face_per_list, max_face in dollars); budgets:
    tier -> dollars.
    """
    tiers = by_tier["tier"].to_list()
    positions = np.arange(len(tiers))
    figure, axes = plt.subplots(figsize=(6, 3.6), dpi=120)
    axes.bar(positions - 0.2, by_tier["face_per_list"].to_numpy(), 0.4, label="average list")
    axes.bar(positions + 0.2, by_tier["max_face"].to_numpy(), 0.4, label="fullest list")
    for x, tier in zip(positions, tiers, strict=True):
        budget = budgets.get(tier, 0.0)
        axes.hlines(budget, x - 0.45, x + 0.45, colors="black", linestyles="dashed")
    axes.set_xticks(positions, [f"tier {t}" for t in tiers])
    axes.set_ylabel("face value of offers, dollars")
    axes.set_title("Offer value per list by tier (dashed: the tier's budget)")
    axes.legend(fontsize=8)
    return _save(figure, path)


def cell_heatmap(cells: pl.DataFrame, title: str, path: Path) -> Path:
    """A count per brand segment x usage cell as a heatmap.

    Input: brand_segment, usage, households (cells absent count 0).
    """
    grid = np.zeros((len(BRAND_SEGMENTS), len(USAGE_LEVELS)))
    for row in cells.iter_rows(named=True):
        if row["brand_segment"] in BRAND_SEGMENTS and row["usage"] in USAGE_LEVELS:
            i = BRAND_SEGMENTS.index(row["brand_segment"])
            grid[i, USAGE_LEVELS.index(row["usage"])] = row["households"]
    labels = [[f"{int(count):,}" for count in line] for line in grid]
    return _nine_cells(grid, labels, "Oranges", title, (6, 3.8), path)


def _nine_cells(
    grid: np.ndarray,
    labels: list[list[str]],
    colours: str,
    title: str,
    size: tuple[float, float],
    path: Path,
    *,
    fontsize: float | None = None,
) -> Path:
    """Brand segment (rows) x usage (columns) shaded by households, each cell labelled."""
    figure, axes = plt.subplots(figsize=size, dpi=120)
    image = axes.imshow(grid, cmap=colours)
    axes.set_xticks(range(len(USAGE_LEVELS)), [f"{u} usage" for u in USAGE_LEVELS])
    axes.set_yticks(range(len(BRAND_SEGMENTS)), list(BRAND_SEGMENTS))
    axes.set_ylabel("brand loyalty")
    threshold = grid.max() / 2 if grid.max() > 0 else 1
    for i in range(len(BRAND_SEGMENTS)):
        for j in range(len(USAGE_LEVELS)):
            colour = "white" if grid[i, j] > threshold else "black"
            axes.text(j, i, labels[i][j], ha="center", va="center", fontsize=fontsize, color=colour)
    axes.set_title(title)
    figure.colorbar(image, ax=axes, label="households")
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    """Lay out, write `path` as PNG (making its folder) and free the figure."""
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path

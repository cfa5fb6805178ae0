"""Pictures for people who would rather look than read: PNG charts of the stages' outputs.

Each function takes a frame and a path and writes one PNG (matplotlib, no screen needed).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

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

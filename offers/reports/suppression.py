"""Which figures of a table a vendor may see: every published figure rests on at least k
households, and no suppressed figure below k can be worked out from what is published.

Input: a table of household counts (rows x columns, e.g. brand segment x usage), k.
Output: `Published`, masks of what may be shown: the cells, the row totals, the column
totals and the grand total. Other figures of a cell (units, spend, shares) follow its
household count's mask.

Rules:
- primary: a cell or total resting on fewer than k households (zero included) is
  suppressed;
- complementary: a suppressed figure with 1..k-1 households must not be derivable from the
  published ones. Derivable is checked exactly: the least and the most the figure can be,
  given every published cell and total and that counts are not negative (a linear program;
  the constraints are those of a transportation problem, so the bounds are whole
  numbers); when they are equal, one more figure is suppressed (the smallest published
  figure near it whose suppression frees it) and the check runs again;
- published elsewhere: totals another table already gives (e.g. the households of each
  brand segment, which both the cells and the migration table hold) count as published
  here and are never the ones suppressed to free another. (A figure those alone pin
  down is beyond this table's reach; the vendor report's uses cannot make one: no
  figure there is a sum of the totals taken as known but those totals themselves.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog


@dataclass(frozen=True)
class Published:
    """What may be shown (True) of a table: cells (rows x columns), row totals, column
    totals, the grand total."""

    cells: NDArray[np.bool_]
    rows: NDArray[np.bool_]
    columns: NDArray[np.bool_]
    grand: bool


def suppress(counts: NDArray[np.int64], k: int, elsewhere: Published | None = None) -> Published:
    """The figures of `counts` a vendor may see at threshold `k` (rules above);
    `elsewhere` marks the figures other tables already publish (cells never: only
    totals are looked at)."""
    counts = np.asarray(counts, dtype=np.int64)
    n_rows, n_columns = counts.shape
    figures = _figures(n_rows, n_columns)
    values = np.array([weights @ counts.ravel() for weights in figures])
    fixed = np.zeros(len(figures), dtype=bool)
    if elsewhere is not None:
        fixed[n_rows * n_columns :] = np.concatenate(
            [elsewhere.rows, elsewhere.columns, [elsewhere.grand]]
        )
    shown = (values >= k) | fixed
    beyond: set[int] = set()  # pinned down by the figures published elsewhere alone
    while True:
        exposed = _first_exposed(figures, values, shown, k, beyond)
        if exposed is None:
            break
        free = shown & ~fixed
        complement = _complement(figures, values, shown, free, exposed, n_rows, n_columns)
        if complement is None:
            beyond.add(exposed)
        else:
            shown[complement] = False
    cells = shown[: n_rows * n_columns].reshape(n_rows, n_columns)
    start = n_rows * n_columns
    return Published(
        cells=cells,
        rows=shown[start : start + n_rows],
        columns=shown[start + n_rows : start + n_rows + n_columns],
        grand=bool(shown[-1]),
    )


def bounds(
    weights: NDArray[np.float64],
    known: list[tuple[NDArray[np.float64], float]],
    size: int,
) -> tuple[float, float]:
    """The least and the most `weights . x` can be over tables x >= 0 (flattened, `size`
    cells) that agree with every (weights, value) in `known`."""
    equalities = np.array([w for w, _ in known]) if known else None
    targets = np.array([v for _, v in known]) if known else None
    found = []
    for sign in (1.0, -1.0):
        result = linprog(
            sign * weights, A_eq=equalities, b_eq=targets, bounds=[(0, None)] * size,
            method="highs",
        )  # fmt: skip
        if result.status == 3:  # unbounded above: nothing published pins it
            found.append(np.inf if sign < 0 else 0.0)
        else:
            found.append(sign * float(result.fun))
    return found[0], found[1]


def _figures(n_rows: int, n_columns: int) -> list[NDArray[np.float64]]:
    """Every figure of the table as weights over its flattened cells: the cells, row
    totals, column totals, the grand total, in that order."""
    cells, ones_row, ones_column = np.eye(n_rows * n_columns), np.ones(n_columns), np.ones(n_rows)
    rows = [np.kron(np.eye(n_rows)[r], ones_row) for r in range(n_rows)]
    columns = [np.kron(ones_column, np.eye(n_columns)[c]) for c in range(n_columns)]
    return [*cells, *rows, *columns, np.ones(n_rows * n_columns)]


def _first_exposed(
    figures: list[NDArray[np.float64]],
    values: NDArray[np.int64],
    shown: NDArray[np.bool_],
    k: int,
    beyond: set[int],
) -> int | None:
    """The first suppressed figure below k (not zero) that the published ones pin down,
    those `beyond` reach aside."""
    size = len(figures[0])
    known = [(figures[i], float(values[i])) for i in np.flatnonzero(shown)]
    for index, weights in enumerate(figures):
        if shown[index] or not 0 < values[index] < k or index in beyond:
            continue
        low, high = bounds(weights, known, size)
        if high - low < 1 - 1e-9:
            return index
    return None


def _complement(
    figures: list[NDArray[np.float64]],
    values: NDArray[np.int64],
    published: NDArray[np.bool_],
    free: NDArray[np.bool_],
    exposed: int,
    n_rows: int,
    n_columns: int,
) -> int | None:
    """The figure to suppress next so that `exposed` is no longer pinned down: of the
    `free` published figures (not published elsewhere) near it (cells in its rows and
    columns, the totals of those and of the same kind, the grand total), the smallest
    whose suppression frees it; when none does alone, the smallest of them (the check
    then runs again); None when no free figure is left (the figures published
    elsewhere pin it down alone: nothing this table hides can help)."""
    size = n_rows * n_columns
    touched = figures[exposed].reshape(n_rows, n_columns) > 0
    in_row: NDArray[np.bool_] = np.asarray(touched.any(axis=1))
    in_column: NDArray[np.bool_] = np.asarray(touched.any(axis=0))
    near = [i for i in range(size) if in_row[i // n_columns] or in_column[i % n_columns]]
    near += [size + r for r in range(n_rows)] + [size + n_rows + c for c in range(n_columns)]
    near += [len(figures) - 1]
    candidates = sorted((i for i in near if free[i]), key=lambda i: (values[i], i))
    if not candidates:
        candidates = sorted(np.flatnonzero(free), key=lambda i: (values[i], i))
    if not candidates:
        return None
    weights = figures[exposed]
    for candidate in candidates:
        known = [
            (figures[i], float(values[i])) for i in np.flatnonzero(published) if i != candidate
        ]
        low, high = bounds(weights, known, size)
        if high - low >= 1 - 1e-9:
            return int(candidate)
    return int(candidates[0])

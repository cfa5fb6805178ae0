"""Small-cell suppression: hand-checked tables, and for random tables (hypothesis) no
published figure below k and no suppressed one below k that the published ones reveal."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray
from scipy.optimize import linprog

from offers.reports.suppression import Published, suppress


def test_a_small_cell_takes_a_partner_in_its_row_and_column() -> None:
    counts = np.array([[40, 3, 25], [30, 50, 20], [12, 60, 45]])
    shown = suppress(counts, 10)
    assert not shown.cells[0, 1]  # 3 households: suppressed
    # its row and column totals are published, so a second cell in each must go too
    assert (~shown.cells[0]).sum() >= 2
    assert (~shown.cells[:, 1]).sum() >= 2
    assert shown.cells[1:, [0, 2]].sum() >= 3  # and not the whole table


def test_a_table_with_nothing_small_is_shown_whole() -> None:
    shown = suppress(np.array([[10, 11], [12, 13]]), 10)
    assert shown.cells.all()
    assert shown.rows.all()
    assert shown.columns.all()
    assert shown.grand


def _range(counts: NDArray[np.int64], shown: list[bool], target: NDArray[np.float64]) -> float:
    """How far `target . cells` can move, given the published figures: the table's cells
    and its totals as separate unknowns tied by equations (not the module's way)."""
    n_rows, n_columns = counts.shape
    size = n_rows * n_columns
    unknowns = size + n_rows + n_columns + 1
    equations, values = [], []
    for r in range(n_rows):  # row total = sum of its cells
        e = np.zeros(unknowns)
        e[[r * n_columns + c for c in range(n_columns)]] = 1
        e[size + r] = -1
        equations.append(e)
        values.append(0.0)
    for c in range(n_columns):
        e = np.zeros(unknowns)
        e[[r * n_columns + c for r in range(n_rows)]] = 1
        e[size + n_rows + c] = -1
        equations.append(e)
        values.append(0.0)
    e = np.zeros(unknowns)
    e[:size] = 1
    e[-1] = -1
    equations.append(e)
    values.append(0.0)
    truth = np.concatenate([counts.ravel(), counts.sum(1), counts.sum(0), [counts.sum()]])
    for index, is_shown in enumerate(shown):
        if is_shown:
            e = np.zeros(unknowns)
            e[index] = 1
            equations.append(e)
            values.append(float(truth[index]))
    objective = np.concatenate([target, np.zeros(unknowns - size)])
    ends = []
    for sign in (1, -1):
        result = linprog(sign * objective, A_eq=np.array(equations), b_eq=np.array(values),
                         bounds=[(0, None)] * unknowns, method="highs")  # fmt: skip
        ends.append(np.inf if result.status == 3 else sign * result.fun)
    return float(ends[1] - ends[0])


def _check(counts: NDArray[np.int64], k: int, shown: Published, known: list[bool]) -> None:
    """No published figure below k; no suppressed one of 1..k-1 pinned down by what is
    published here or (`known`, cells and totals in order) elsewhere."""
    n_rows, n_columns = counts.shape
    figures = list(itertools.chain(shown.cells.ravel(), shown.rows, shown.columns, [shown.grand]))
    truth = np.concatenate([counts.ravel(), counts.sum(1), counts.sum(0), [counts.sum()]])
    for is_shown, value in zip(figures, truth, strict=True):
        if is_shown:
            assert value >= k  # every published figure rests on k households or more
    public = [a or b for a, b in zip(figures, known, strict=True)]
    size = n_rows * n_columns
    targets = [np.eye(size)[i] for i in range(size)]
    targets += [np.kron(np.eye(n_rows)[r], np.ones(n_columns)) for r in range(n_rows)]
    targets += [np.kron(np.ones(n_rows), np.eye(n_columns)[c]) for c in range(n_columns)]
    targets += [np.ones(size)]
    for is_public, value, target in zip(public, truth, targets, strict=True):
        if not is_public and 0 < value < k and _range(counts, known, target) >= 1 - 1e-9:
            # not pinned down (unless what is published elsewhere pins it alone)
            assert _range(counts, public, target) >= 1 - 1e-9


TABLES = st.tuples(st.integers(2, 4), st.integers(2, 4)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=st.integers(0, 40))
)


@settings(max_examples=150, deadline=None)
@given(counts=TABLES, k=st.integers(2, 12))
def test_no_published_figure_is_small_and_no_small_one_can_be_worked_out(
    counts: NDArray[np.int64], k: int
) -> None:
    shown = suppress(counts, k)
    _check(counts, k, shown, [False] * (counts.size + sum(counts.shape) + 1))


@settings(max_examples=150, deadline=None)
@given(counts=TABLES, k=st.integers(2, 12), picks=st.lists(st.booleans(), min_size=9, max_size=9))
def test_totals_published_elsewhere_reveal_nothing_either(
    counts: NDArray[np.int64], k: int, picks: list[bool]
) -> None:
    n_rows, n_columns = counts.shape
    # another table publishes some of the totals (those of k households or more)
    rows = np.array(picks[:n_rows]) & (counts.sum(1) >= k)
    columns = np.array(picks[4 : 4 + n_columns]) & (counts.sum(0) >= k)
    grand = picks[8] and counts.sum() >= k
    elsewhere = Published(np.zeros(counts.shape, dtype=bool), rows, columns, bool(grand))
    shown = suppress(counts, k, elsewhere)
    assert shown.rows[rows].all()
    assert shown.columns[columns].all()
    known = [False] * counts.size + [*rows, *columns, grand]
    _check(counts, k, shown, known)


def test_a_total_known_elsewhere_is_not_the_one_suppressed() -> None:
    counts = np.array([[40, 3], [30, 50]])
    alone = suppress(counts, 10)
    known = Published(np.zeros((2, 2), dtype=bool), np.array([True, True]),
                      np.array([True, True]), True)  # fmt: skip
    shown = suppress(counts, 10, known)
    assert shown.rows.all()
    assert shown.columns.all()
    assert shown.grand
    # with every total known, the 3 can only hide among all four cells
    assert not shown.cells.any()
    assert alone.cells.sum() >= shown.cells.sum()

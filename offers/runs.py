"""Stored list-cycle runs: which there are, and one run's row (offers.engine writes
them; the summary, the evaluation and the printed lists read them)."""

from __future__ import annotations

from typing import Any

import duckdb

from offers.warehouse import frame, rows

_RUN_SQL = """
SELECT run_id, as_of, valid_from, valid_to, seed, settings, created_at,
    households_eligible, households_treated, households_holdout
FROM plan_run WHERE run_id = $run_id
"""


class RunNotFoundError(Exception):
    """No run with that id; the message lists the runs there are."""


def runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every run id, newest as-of first."""
    return [str(r[0]) for r in rows(con, "SELECT run_id FROM plan_run ORDER BY as_of DESC, seed")]


def stored_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The run's plan_run row. Raises RunNotFoundError, naming the runs there are."""
    found = frame(con, _RUN_SQL, {"run_id": run_id})
    if found.is_empty():
        known = runs(con)
        raise RunNotFoundError(
            f"no run '{run_id}'"
            + (f"; runs: {', '.join(known[:10])}" if known else "; plan one first")
        )
    return found.row(0, named=True)

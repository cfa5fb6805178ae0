"""Judging a run against what households then bought."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from offers.cli import app
from offers.deals import load_deals
from offers.engine import plan
from offers.evaluate_plan import evaluate_plan
from offers.run_summary import summarise, write_summary
from offers.runs import RunNotFoundError
from tests.conftest import ROOT, TINY, loaded_synthetic_store

AS_OF = dt.date(2017, 12, 17)
"""Two weeks before the synthetic store's last scan: the window's purchases are known."""


def test_the_engines_lines_are_bought_more_than_the_same_lines_at_random(
    tmp_path: Path,
) -> None:
    con, _ = loaded_synthetic_store(tmp_path, 800, seed=11)
    load_deals(con, ROOT / "fixtures" / "store-deals.toml")
    run = plan(con, AS_OF)
    found = evaluate_plan(con, run.run_id)
    assert found.households > 0
    assert found.offer_lines > found.households
    for share in (
        found.household_hit_rate, found.random_household_hit_rate, found.line_hit_rate,
        found.random_line_hit_rate, found.scope_line_hit_rate, found.random_scope_line_hit_rate,
    ):  # fmt: skip
        assert 0.0 <= share <= 1.0
    assert found.line_ratio > 1.5
    assert found.household_hit_rate > found.random_household_hit_rate
    # Any product in scope counts too, so the scope rates are never below the item rates.
    assert found.scope_line_hit_rate >= found.line_hit_rate
    page = write_summary(summarise(con, run.run_id), tmp_path / "summary")
    html = page.read_text()
    assert run.run_id in html
    assert "TYLENOL-Q1" in html
    assert (tmp_path / "summary" / "deals.png").stat().st_size > 0
    con.close()
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "offers.duckdb"), "evaluate", "plan", "--as-of",
              str(AS_OF), "--draws", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "over 3 draws of the random lines (seeds 0-2): households" in result.output


def test_a_run_with_no_scans_after_it_cannot_be_judged(
    tiny_store: duckdb.DuckDBPyConnection,
) -> None:
    load_deals(tiny_store, TINY / "deals.csv")
    run = plan(tiny_store, dt.date(2017, 3, 29))
    with pytest.raises(ValueError, match="no scan between 2017-03-29 and 2017-04-11"):
        evaluate_plan(tiny_store, run.run_id)
    with pytest.raises(RunNotFoundError, match="runs: 2017-03-29-seed1"):
        evaluate_plan(tiny_store, "2017-01-01-seed1")

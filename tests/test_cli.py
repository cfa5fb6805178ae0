"""The `offers` command as staff use it: messages, summaries and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from offers.cli import app
from tests.conftest import BROKEN, TINY

runner = CliRunner()


def _offers(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "offers.duckdb"


def test_ingest_prints_a_summary_and_loading_again_adds_nothing(db: Path) -> None:
    code, out = _offers(db, "ingest", "products", str(TINY / "products.csv"))
    assert code == 0
    assert "Load summary" in out
    assert "13" in out
    code, out = _offers(db, "ingest", "products", str(TINY / "products.csv"))
    assert code == 0
    assert "already loaded" in out


def test_quarantined_rows_are_summarised_with_their_reasons(db: Path) -> None:
    for kind in ("products", "households", "scans"):
        _offers(db, "ingest", kind, str(TINY / f"{kind}.csv"))
    code, out = _offers(db, "ingest", "scans", str(BROKEN / "scans_bad_rows.csv"))
    assert code == 0
    assert "unparseable value 3" in out
    assert "row 3: the quantity 'two' is not a whole number of units" in out
    code, out = _offers(db, "quarantine", "--limit", "100")
    assert code == 0
    assert "1985-06-01" in out


def test_a_file_that_cannot_be_read_exits_2_naming_it(db: Path) -> None:
    code, out = _offers(db, "ingest", "scans", str(BROKEN / "scans_missing_column.csv"))
    assert code == 2
    assert "scans_missing_column.csv" in out
    assert "has no column 'quantity'" in out


def test_nothing_loadable_exits_1(db: Path, tmp_path: Path) -> None:
    scans = tmp_path / "orphans.csv"
    scans.write_text(
        "basket_id,household_id,store_id,timestamp,product_id,quantity,amount_paid\n"
        "1,1,1,2017-01-01 10:00:00,1,1,1.00\n"
    )
    code, out = _offers(db, "ingest", "scans", str(scans))
    assert code == 1
    assert "no row could be loaded" in out


def test_fixtures_generate_writes_the_store(db: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "store"
    code, out = _offers(
        db, "fixtures", "generate", "--households", "50", "--weeks", "4", "--out", str(out_dir)
    )
    assert code == 0
    assert "wrote 50 households" in out
    assert (out_dir / "scans.parquet").exists()
    assert (out_dir / "truth_categories.parquet").exists()


def test_demo_generates_loads_and_summarises(db: Path, tmp_path: Path) -> None:
    code, out = _offers(db, "demo", "--out", str(tmp_path / "out"))
    assert code == 0
    assert "scan_line" in out
    assert (tmp_path / "out" / "store" / "scans.parquet").exists()

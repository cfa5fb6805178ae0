"""Shared test set-up: the --run-slow switch, warehouses and the fixture paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from offers.ingest import ingest_file
from offers.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "fixtures" / "tiny"
BROKEN = ROOT / "fixtures" / "broken"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (make test does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty, migrated warehouse file."""
    con = connect(tmp_path / "offers.duckdb")
    yield con
    con.close()


@pytest.fixture
def tiny_store(warehouse: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The warehouse with fixtures/tiny loaded (products, households, scans)."""
    for kind in ("products", "households", "scans"):
        ingest_file(warehouse, kind, TINY / f"{kind}.csv")
    return warehouse


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    """The single value a query returns."""
    found = (
        con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    )
    assert len(found) == 1
    return found[0][0]

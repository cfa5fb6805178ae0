"""Shared test set-up: the --run-slow switch, warehouses and the fixture paths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from offers.deals import load_deals
from offers.engine import plan
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


TINY_AS_OF = dt.date(2017, 3, 29)
TINY_RUN = "2017-03-29-seed1"


@pytest.fixture
def tiny_run(tiny_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The tiny store with its deals and the 2017-03-29 run planned (two lists, both of
    store 1: household 1's list 100000001 and household 2's list 100000002)."""
    load_deals(tiny_store, TINY / "deals.csv")
    assert plan(tiny_store, TINY_AS_OF).run_id == TINY_RUN
    return tiny_store


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    """The single value a query returns."""
    found = (
        con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    )
    assert len(found) == 1
    return found[0][0]


Purchase = tuple[int, int, int, int]
"""(household, product, quantity, day of 2017) for a hand-built history."""


def warehouse_with(
    purchases: list[Purchase], products_sql: str, households: int
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with the products `products_sql` inserts, households 1 to
    `households`, and one basket per purchase at noon on its day of 2017 ($1 a unit)."""
    con = connect(":memory:")
    con.execute(products_sql)
    con.execute(
        "INSERT INTO household (household_id) SELECT range FROM range(1, $n + 1)",
        {"n": households},
    )
    for basket, (household, product, quantity, day) in enumerate(purchases):
        con.execute(
            "INSERT INTO scan_line (basket_id, product_id, household_id, store_id, scanned_at, "
            "quantity, amount_paid, is_return, file_id) VALUES ($b, $p, $h, 1, "
            "TIMESTAMP '2017-01-01 12:00' + to_days($d), $q, $q, $q < 0, 1)",
            {"b": basket, "p": product, "h": household, "d": day, "q": quantity},
        )
    return con


def loaded_synthetic_store(
    folder: Path, households: int, seed: int
) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A synthetic store of `households` x 52 weeks generated in `folder` and loaded; the
    connection and the folder holding the planted truth."""
    from offers.synthetic import generate

    store = generate(folder / "store", households_count=households, weeks=52, seed=seed)
    con = connect(folder / "offers.duckdb")
    for kind in ("products", "households", "scans"):
        ingest_file(con, kind, store.folder / f"{kind}.parquet")
    return con, store.folder

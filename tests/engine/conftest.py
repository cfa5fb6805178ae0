"""A synthetic store planned once for the engine's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pytest

from offers.deals import load_deals
from offers.engine import plan
from tests.conftest import ROOT, loaded_synthetic_store

STORE_AS_OF = dt.date(2017, 12, 31)


@pytest.fixture(scope="session")
def planned_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A 600-household synthetic store with the demo's deals, planned as of STORE_AS_OF."""
    con, _ = loaded_synthetic_store(tmp_path_factory.mktemp("planned"), 600, seed=5)
    load_deals(con, ROOT / "fixtures" / "store-deals.toml")
    plan(con, STORE_AS_OF)
    yield con
    con.close()

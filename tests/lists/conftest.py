"""A planned run of the tiny store, for the list tests."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from offers.deals import load_deals
from offers.engine import plan
from tests.conftest import TINY

TINY_AS_OF = dt.date(2017, 3, 29)
TINY_RUN = "2017-03-29-seed1"


@pytest.fixture
def tiny_run(tiny_store: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The tiny store with its deals and the 2017-03-29 run planned (two lists)."""
    load_deals(tiny_store, TINY / "deals.csv")
    assert plan(tiny_store, TINY_AS_OF).run_id == TINY_RUN
    return tiny_store

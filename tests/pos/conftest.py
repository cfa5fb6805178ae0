"""The tiny run published to a live ledger, and lane keys for its two stores."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from offers.barcodes import list_payload
from offers.pos.ledger import Lane, add_key, lane_for_key, open_ledger
from offers.pos.messages import BasketLineIn, ReturnLineIn, TransactionIn, VoidIn
from offers.pos.publish import publish
from tests.conftest import TINY_RUN

HOUSEHOLD_1_LIST = 100000001
"""Household 1 (store 1): TYLENOL-150 ($1.50 off, limit 1), BEEF-200 ($2.00 off any
BEEF, limit 1), DEANS-MILK ($0.50 off product 201, limit 2), and a reminder; window
2017-03-29 to 2017-04-11 (milk to 2017-04-09)."""
HOUSEHOLD_1_CODE = list_payload(HOUSEHOLD_1_LIST)
HOUSEHOLD_2_CARD = "4000000000029"
"""One of household 2's two cards (store 1; list 100000002: DICKS-MILK, PAMPERS-TRIAL)."""
HOUSEHOLD_3_CARD = "4000000000037"
"""Household 3 (store 2): eligible or not, it has no list."""


DAY = dt.datetime(2017, 4, 1, 10, 30)


def basket(
    transaction_id: str,
    lines: list[tuple[int, int, str]],
    code: str = HOUSEHOLD_1_CODE,
    at: dt.datetime = DAY,
    store_id: int = 1,
) -> TransactionIn:
    return TransactionIn(
        transaction_id=transaction_id,
        store_id=store_id,
        lane="3",
        code=code,
        occurred_at=at,
        lines=[BasketLineIn(product_id=p, quantity=q, unit_price=Decimal(u)) for p, q, u in lines],
    )


def back(void_id: str, *lines: tuple[int, int]) -> VoidIn:
    """A void of (line index, units) pairs; none: all that is left of the sale."""
    returned = [ReturnLineIn(index=i, quantity=q) for i, q in lines]
    return VoidIn(void_id=void_id, lines=returned or None)


HAND_CHECKED = [(101, 1, "8.99"), (701, 1, "6.49"), (201, 3, "3.29"), (501, 2, "0.59")]


@dataclass(frozen=True)
class Published:
    warehouse: duckdb.DuckDBPyConnection
    ledger: sqlite3.Connection
    path: Path
    store_1: Lane
    store_2: Lane
    key_1: str
    key_2: str


@pytest.fixture
def published(tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path) -> Iterator[Published]:
    """The tiny run in a ledger, with a key for store 1 and one for store 2."""
    path = tmp_path / "offers.ledger.sqlite"
    ledger = open_ledger(path)
    publish(tiny_run, ledger, TINY_RUN)
    key_1, key_2 = add_key(ledger, 1, "lane 1"), add_key(ledger, 2, "lane 1")
    store_1, store_2 = lane_for_key(ledger, key_1), lane_for_key(ledger, key_2)
    assert store_1 is not None
    assert store_2 is not None
    yield Published(tiny_run, ledger, path, store_1, store_2, key_1, key_2)
    ledger.close()

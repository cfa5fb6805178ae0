"""A seeded day at the lanes for a published run, for the demo and the checkout's scale
tests: some of the run's households come in and buy some of their list's items and a
few others, a few bring something back.

Input: the warehouse (the run's lists and lines; usual prices from the 8 weeks before
the run). Output: `LaneDay`, the transactions (`TransactionIn`, code = the list barcode,
rung up on `day`) and the returns to make after them ((transaction id, line index)).
Same warehouse, run, day and seed: the same day.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

import duckdb

from offers.barcodes import list_payload
from offers.pos.messages import BasketLineIn, TransactionIn
from offers.warehouse import midnight, rows

_LANE_DAY_SQL = resources.files("offers").joinpath("sql/pos/lane_day.sql").read_text()

SHOPPING_SHARE = 0.3
"""Share of the run's lists whose household shops on the day."""
TAKES_LINE = 0.6
"""Chance that a shopping household buys a given item of its list."""
OTHER_ITEMS = (3, 12)
"""Fewest and most other items in a basket."""
RETURN_SHARE = 0.05
"""Share of the baskets with one line brought back."""


@dataclass(frozen=True)
class LaneDay:
    transactions: list[TransactionIn]
    returns: list[tuple[str, int]]


def lane_day(con: duckdb.DuckDBPyConnection, run_id: str, day: dt.date, seed: int = 1) -> LaneDay:
    """A day of baskets at the lanes for run `run_id`'s households (rules above)."""
    as_of = midnight(day)
    found = rows(
        con,
        _LANE_DAY_SQL,
        {"run_id": run_id, "price_start": as_of - dt.timedelta(weeks=8), "as_of": as_of},
    )
    prices: dict[int, Decimal] = {}
    lists: dict[int, tuple[int, list[int]]] = {}
    for list_id, _household, store_id, product_id, price in found:
        prices[int(product_id)] = Decimal(str(price))
        if list_id is not None:
            lists.setdefault(int(list_id), (int(store_id or 0), []))[1].append(int(product_id))
    catalogue = sorted(prices)
    rng = random.Random(seed)
    transactions: list[TransactionIn] = []
    returns: list[tuple[str, int]] = []
    for list_id, (store_id, items) in sorted(lists.items()):
        if rng.random() >= SHOPPING_SHARE:
            continue
        chosen = [p for p in items if rng.random() < TAKES_LINE]
        others = rng.sample(catalogue, min(rng.randint(*OTHER_ITEMS), len(catalogue)))
        basket = list(dict.fromkeys(chosen + others))
        transaction_id = f"{day:%Y%m%d}-{store_id}-{len(transactions) + 1:05d}"
        minute = rng.randrange(8 * 60, 21 * 60)
        transactions.append(
            TransactionIn(
                transaction_id=transaction_id,
                store_id=store_id,
                lane=f"{rng.randint(1, 8)}",
                code=list_payload(list_id),
                occurred_at=midnight(day) + dt.timedelta(minutes=minute),
                lines=[
                    BasketLineIn(product_id=p, quantity=rng.randint(1, 3), unit_price=prices[p])
                    for p in basket
                ],
            )
        )
        if rng.random() < RETURN_SHARE:
            returns.append((transaction_id, rng.randrange(len(basket))))
    return LaneDay(transactions, returns)

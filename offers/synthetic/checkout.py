"""A seeded day at the lanes for a published run, for the demo and the checkout's scale
tests: the run's households, treated and holdout alike, come in and buy some of the
products they usually buy and a few others; a treated household also buys some of its
list's items (the planted effect of a list); a few bring something back.

Input: the warehouse (the run's households, lists and lines; usual products and prices
from the 8 weeks before the day). Output: `LaneDay`, the transactions (`TransactionIn`
rung up on `day`; code = the list barcode, or the household's card number when it has no
list) and the returns to make after them ((transaction id, line index)). Same warehouse,
run, day and seed: the same day.
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
"""Share of the run's households that shop on the day."""
TAKES_USUAL = 0.25
"""Chance that a shopping household buys a given product it usually buys, list or not."""
TAKES_LINE = 0.6
"""Chance that a shopping household buys a given item of its list (the list's effect:
against TAKES_USUAL for the same item without a list, when it usually buys it)."""
OTHER_ITEMS = (1, 6)
"""Fewest and most other items in a basket."""
RETURN_SHARE = 0.05
"""Share of the baskets with one line brought back."""


@dataclass(frozen=True)
class LaneDay:
    transactions: list[TransactionIn]
    returns: list[tuple[str, int]]


@dataclass
class _Shopper:
    store_id: int
    code: str
    listed: list[int]
    usual: list[int]


def lane_day(con: duckdb.DuckDBPyConnection, run_id: str, day: dt.date, seed: int = 1) -> LaneDay:
    """A day of baskets at the lanes for run `run_id`'s households (rules above)."""
    as_of = midnight(day)
    found = rows(
        con,
        _LANE_DAY_SQL,
        {"run_id": run_id, "price_start": as_of - dt.timedelta(weeks=8), "as_of": as_of},
    )
    prices: dict[int, Decimal] = {}
    shoppers: dict[int, _Shopper] = {}
    for household_id, store_id, list_id, card_number, kind, product_id, price in found:
        prices[int(product_id)] = Decimal(str(price))
        if kind == "price":
            continue
        code = list_payload(int(list_id)) if list_id is not None else card_number
        if code is None:
            continue  # no list and no card: nothing to show at the lane
        shopper = shoppers.setdefault(
            int(household_id), _Shopper(int(store_id or 0), str(code), [], [])
        )
        (shopper.listed if kind == "list" else shopper.usual).append(int(product_id))
    catalogue = sorted(prices)
    rng = random.Random(seed)
    transactions: list[TransactionIn] = []
    returns: list[tuple[str, int]] = []
    for _household, shopper in sorted(shoppers.items()):
        if rng.random() >= SHOPPING_SHARE:
            continue
        chosen = [p for p in shopper.listed if rng.random() < TAKES_LINE]
        chosen += [p for p in shopper.usual if rng.random() < TAKES_USUAL]
        others = rng.sample(catalogue, min(rng.randint(*OTHER_ITEMS), len(catalogue)))
        basket = list(dict.fromkeys(chosen + others))
        transaction_id = f"{day:%Y%m%d}-{shopper.store_id}-{len(transactions) + 1:05d}"
        minute = rng.randrange(8 * 60, 21 * 60)
        transactions.append(
            TransactionIn(
                transaction_id=transaction_id,
                store_id=shopper.store_id,
                lane=f"{rng.randint(1, 8)}",
                code=shopper.code,
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

"""The checkout: the lanes look up a household's list, redeem it against a basket and
void what comes back, against a live ledger beside the warehouse.

    ledger = open_ledger(Path("offers.ledger.sqlite"))
    publish(warehouse, ledger, "2017-12-31-seed1")       # a run's lists to the lanes
    lane = lane_for_key(ledger, add_key(ledger, store_id=8))
    answer = transact(ledger, lane, TransactionIn(...))  # what `POST /v1/transactions` does
    sync(warehouse, ledger, Path("offers.ledger.sqlite"))  # the sales back, before a plan

Modules: rules (what a basket redeems; returns), messages (requests and answers),
ledger (the SQLite file, keys, audit), checkout (lookup, transact, void), publish,
sync, server (the HTTP service, `offers serve`).
"""

from offers.pos.checkout import (
    CheckoutError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    lookup,
    transact,
    void,
)
from offers.pos.ledger import STAFF, Lane, LedgerError, add_key, lane_for_key, open_ledger
from offers.pos.messages import TransactionIn, TransactionOut, VoidIn, VoidOut
from offers.pos.publish import publish
from offers.pos.sync import sync

__all__ = [
    "STAFF",
    "CheckoutError",
    "ConflictError",
    "ForbiddenError",
    "Lane",
    "LedgerError",
    "NotFoundError",
    "TransactionIn",
    "TransactionOut",
    "VoidIn",
    "VoidOut",
    "add_key",
    "lane_for_key",
    "lookup",
    "open_ledger",
    "publish",
    "sync",
    "transact",
    "void",
]

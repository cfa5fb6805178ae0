"""Publish a run's lists to the live ledger, so the lanes can redeem them.

Input: the warehouse (shopping_list, list_line, deal, product, household,
household_card of run `run_id`). Output, in the ledger: one `list` row per list, one
`offer` row per offer line (reminders stay on paper), the products of each deal's scope
(`deal_product`), every loyalty card by the SHA-256 of its number, and a
`published_run` row written last, which marks the run complete.

Rows go in chunks of CHUNK_LISTS lists, each its own short write transaction, so lanes
served meanwhile wait milliseconds, not the whole publish. Publishing the same run again
writes the same rows (insert or replace) and changes nothing; an interrupted publish is
finished by running it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import groupby
from typing import Any

import duckdb

from offers.pos.ledger import STAFF, audit, now_text, writing
from offers.runs import stored_run
from offers.warehouse import rows

CHUNK_LISTS = 2_000
"""Lists written per ledger write transaction."""
CHUNK_CARDS = 10_000

_SQL = resources.files("offers").joinpath("sql/pos")
_LISTS_SQL = _SQL.joinpath("published_lists.sql").read_text()
_OFFERS_SQL = _SQL.joinpath("published_offers.sql").read_text()
_DEAL_PRODUCTS_SQL = _SQL.joinpath("deal_products.sql").read_text()
_CARDS_SQL = _SQL.joinpath("published_cards.sql").read_text()


@dataclass(frozen=True)
class Published:
    """What a publish put in the ledger."""

    run_id: str
    lists: int
    offers: int
    deal_products: int
    cards: int


def publish(
    con: duckdb.DuckDBPyConnection,
    ledger: sqlite3.Connection,
    run_id: str,
    progress: Callable[[int, int], None] | None = None,
) -> Published:
    """Put run `run_id`'s lists into the ledger; `progress(lists done, lists)` after
    each chunk. Raises RunNotFoundError for an unknown run."""
    run = stored_run(con, run_id)
    params: dict[str, object] = {"run_id": run_id}
    lists = rows(con, _LISTS_SQL, params)
    offers = rows(con, _OFFERS_SQL, params)
    scope = rows(con, _DEAL_PRODUCTS_SQL, params)
    cards = rows(con, _CARDS_SQL)
    with writing(ledger):
        ledger.executemany("INSERT OR REPLACE INTO deal_product VALUES (?, ?)", scope)
    for start in range(0, len(cards), CHUNK_LISTS * 5):
        with writing(ledger):
            ledger.executemany(
                "INSERT OR REPLACE INTO card VALUES (?, ?, ?)",
                cards[start : start + CHUNK_LISTS * 5],
            )
    by_list = {key: list(group) for key, group in groupby(offers, key=lambda r: r[0])}
    for done, chunk in _chunks(lists, CHUNK_LISTS):
        with writing(ledger):
            ledger.executemany(
                "INSERT OR REPLACE INTO list VALUES (?, ?, ?, ?, ?, ?)",
                [(r[0], run_id, r[1], r[2], r[3].isoformat(), r[4].isoformat()) for r in chunk],
            )
            ledger.executemany(
                "INSERT OR REPLACE INTO offer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (*line[:9], line[9].isoformat(), line[10].isoformat())
                    for r in chunk
                    for line in by_list.get(r[0], ())
                ],
            )
        if progress is not None:
            progress(done, len(lists))
    with writing(ledger):
        ledger.execute(
            "INSERT OR REPLACE INTO published_run VALUES (?, ?, ?, ?, ?, ?)",
            (
                run_id,
                run["valid_from"].isoformat(),
                run["valid_to"].isoformat(),
                len(lists),
                len(offers),
                now_text(),
            ),
        )
        audit(ledger, STAFF, "publish", f"run {run_id}", f"applied: {len(lists)} lists")
    return Published(run_id, len(lists), len(offers), len(scope), len(cards))


def _chunks(items: Sequence[Any], size: int) -> Iterator[tuple[int, Sequence[Any]]]:
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        yield start + len(chunk), chunk


def published_runs(ledger: sqlite3.Connection) -> list[tuple[str, str, str, int, int, str]]:
    """The runs in the ledger: run id, first and last day, lists, offers, when published."""
    return [
        tuple(r)
        for r in ledger.execute(
            "SELECT run_id, valid_from, valid_to, lists, offers, published_at"
            " FROM published_run ORDER BY valid_from DESC"
        )
    ]

"""A run's lists as documents: everything one household's page prints, read from the
warehouse once, before any drawing (the renderers never touch the database).

Input: a planned run (tables plan_run, run_household, shopping_list, list_line) with the
household, household_contact, household_card, product and deal tables.
Output: `ListDocument`s in delivery order (store, postal code, household), each with its
lines grouped by department in store-walk order and a chosen non-price reward.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import polars as pl

from offers.barcodes import list_payload, offer_payload
from offers.config import ListSettings
from offers.lists.rewards import Reward, choose_rewards, load_rewards
from offers.runs import stored_run
from offers.warehouse import frame

_SQL = resources.files("offers").joinpath("sql/lists")
_LISTS_SQL = _SQL.joinpath("lists.sql").read_text()
_LINES_SQL = _SQL.joinpath("lines.sql").read_text()
_RECENT_SPEND_SQL = _SQL.joinpath("recent_spend.sql").read_text()

NO_DEPARTMENT = "OTHER"
"""The department heading of a line whose product has none."""


@dataclass(frozen=True)
class Line:
    """One line of a list. A line without a deal (deal_id None) is a reminder: no offer,
    no barcode. Money in dollars; offer_value is a 0-1 share for percent_off."""

    line_number: int
    department: str
    description: str | None
    brand: str | None
    size: str | None
    subcategory: str | None
    category: str | None
    reason: str
    deal_id: str | None
    offer_kind: str | None
    offer_value: float | None
    buy_x: int | None
    get_y: int | None
    limit_per_household: int | None
    discount: float | None
    face_value: float
    expected_date: dt.date | None
    valid_from: dt.date
    valid_to: dt.date
    payload: str | None
    """The offer barcode's digits (offers.barcodes); None on a reminder."""


@dataclass(frozen=True)
class Department:
    """A department heading and its lines, in line-number order."""

    name: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class ListDocument:
    """One household's list. PII (name, card number, postal code) is here for printing;
    a document never goes to a manufacturer."""

    run_id: str
    list_id: int
    household_id: int
    tier: str
    store_id: int | None
    name: str | None
    postal_code: str | None
    card_number: str | None
    valid_from: dt.date
    valid_to: dt.date
    face_value: float
    """Dollars the list's offers can save the household, all lines at their limits."""
    payload: str
    """The list barcode's digits (offers.barcodes)."""
    departments: tuple[Department, ...]
    reward: Reward | None

    @property
    def lines(self) -> tuple[Line, ...]:
        """Every line, in printed order."""
        return tuple(line for department in self.departments for line in department.lines)


@dataclass(frozen=True)
class RunLists:
    """A run's lists as read from the warehouse, in delivery order; the documents are
    built on demand, so a renderer can start on the first while the rest are made."""

    run_id: str
    lists: pl.DataFrame
    """lists.sql's rows: one per list, in delivery order."""
    lines: list[tuple[Any, ...]]
    """lines.sql's rows, by list id then line number."""
    line_rows: dict[int, tuple[int, int]]
    """list id -> its lines' [start, end) in `lines`."""
    rewards: dict[int, Reward]
    store_walk: tuple[str, ...]

    def __len__(self) -> int:
        return self.lists.height

    def texts(self) -> set[str]:
        """Every household name and item description that a page prints as it is."""
        names = self.lists["name"].drop_nulls().unique().to_list()
        descriptions = {row[3] for row in self.lines if row[3] is not None}
        return set(names) | descriptions

    def households(self, text: str) -> list[int]:
        """The households whose list prints `text` as its name or an item."""
        found = set(self.lists.filter(pl.col("name") == text)["household_id"].to_list())
        by_list = dict(zip(self.lists["list_id"], self.lists["household_id"], strict=True))
        found |= {by_list[row[0]] for row in self.lines if row[3] == text}
        return sorted(found)

    def documents(self) -> Iterator[ListDocument]:
        """The documents, in delivery order."""
        walk = {name.upper(): position for position, name in enumerate(self.store_walk)}
        for row in self.lists.iter_rows(named=True):
            start, end = self.line_rows.get(row["list_id"], (0, 0))
            yield ListDocument(
                run_id=self.run_id,
                list_id=row["list_id"],
                household_id=row["household_id"],
                tier=row["tier"],
                store_id=row["store_id"],
                name=row["name"],
                postal_code=row["postal_code"],
                card_number=row["card_number"],
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                face_value=row["face_value"],
                payload=list_payload(row["list_id"]),
                departments=_departments(self.lines[start:end], walk),
                reward=self.rewards.get(row["household_id"]),
            )


def read_lists(con: duckdb.DuckDBPyConnection, run_id: str, settings: ListSettings) -> RunLists:
    """The run's lists, lines and rewards. Raises RunNotFoundError for an unknown run."""
    run = stored_run(con, run_id)
    params: dict[str, object] = {"run_id": run_id}
    lists = frame(con, _LISTS_SQL, params)
    lines = frame(con, _LINES_SQL, params)
    expected = ["list_id", *(f.name for f in dataclasses.fields(Line) if f.name != "payload")]
    if lines.columns != expected:
        raise ValueError(f"lines.sql columns {lines.columns} are not Line's {expected}")
    as_of = dt.datetime.combine(run["as_of"], dt.time())
    spend = frame(
        con,
        _RECENT_SPEND_SQL,
        {**params, "since": as_of - dt.timedelta(weeks=settings.reward_weeks), "as_of": as_of},
    )
    rewards = choose_rewards(
        lists["household_id"].to_list(),
        spend,
        load_rewards(),
        run_number=_run_number(lists),
        rotation=settings.reward_rotation,
    )
    # Rows as tuples: named rows cost more than building the documents.
    rows = lines.rows()
    spans = (
        lines.with_row_index("row")
        .group_by("list_id")
        .agg(start=pl.col("row").min(), end=pl.col("row").max() + 1)
    )
    line_rows = {list_id: (start, end) for list_id, start, end in spans.iter_rows()}
    return RunLists(run_id, lists, rows, line_rows, rewards, settings.store_walk)


def list_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, settings: ListSettings
) -> list[ListDocument]:
    """Every list of the run, in delivery order. Raises RunNotFoundError for an unknown run."""
    return list(read_lists(con, run_id, settings).documents())


def _run_number(lists: pl.DataFrame) -> int:
    return int(lists["run_number"][0]) if not lists.is_empty() else 0


def _departments(rows: list[tuple[Any, ...]], walk: dict[str, int]) -> tuple[Department, ...]:
    """One list's lines (lines.sql rows) grouped by department in store-walk order
    (departments not in the walk after it, alphabetically), each department's lines by
    line number. Line takes the query's columns in order after list_id, with the offer
    barcode last."""
    grouped: dict[str, list[Line]] = {}
    for list_id, line_number, department, *rest in rows:
        department = department or NO_DEPARTMENT
        payload = offer_payload(list_id, line_number) if rest[6] else None  # rest[6]: deal_id
        line = Line(line_number, department, *rest, payload)  # type: ignore[call-arg]
        grouped.setdefault(department, []).append(line)
    ordered = sorted(grouped, key=lambda name: (walk.get(name.upper(), len(walk)), name))
    return tuple(Department(name, tuple(grouped[name])) for name in ordered)

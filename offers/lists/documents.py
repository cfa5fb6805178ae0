"""A run's lists as documents: everything one household's page prints, read from the
warehouse once, before any drawing (the renderers never touch the database).

Input: a planned run (tables plan_run, run_household, shopping_list, list_line) with the
household, household_contact, household_card, product and deal tables.
Output: `ListDocument`s in delivery order (store, postal code, household), each with its
lines grouped by department in store-walk order and a chosen non-price reward.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources

import duckdb
import polars as pl

from offers.barcodes import list_payload, offer_payload
from offers.config import ListSettings
from offers.lists.rewards import Reward, choose_rewards, load_rewards
from offers.run_summary import stored_run
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


def list_documents(
    con: duckdb.DuckDBPyConnection, run_id: str, settings: ListSettings
) -> list[ListDocument]:
    """Every list of the run, in delivery order. Raises RunNotFoundError for an unknown run."""
    run = stored_run(con, run_id)
    params: dict[str, object] = {"run_id": run_id}
    lists = frame(con, _LISTS_SQL, params)
    lines = frame(con, _LINES_SQL, params)
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
    lines_by_list = _lines_by_list(lines, settings.store_walk)
    return [
        ListDocument(
            run_id=run_id,
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
            departments=lines_by_list.get(row["list_id"], ()),
            reward=rewards.get(row["household_id"]),
        )
        for row in lists.iter_rows(named=True)
    ]


def _run_number(lists: pl.DataFrame) -> int:
    return int(lists["run_number"][0]) if not lists.is_empty() else 0


def _lines_by_list(
    lines: pl.DataFrame, store_walk: tuple[str, ...]
) -> dict[int, tuple[Department, ...]]:
    """Lines grouped by list, then by department in store-walk order (departments not in
    the walk after it, alphabetically), each department's lines by line number."""
    walk = {name.upper(): position for position, name in enumerate(store_walk)}
    grouped: dict[int, dict[str, list[Line]]] = {}
    for row in lines.iter_rows(named=True):
        list_id = row.pop("list_id")
        department = row.pop("department") or NO_DEPARTMENT
        payload = offer_payload(list_id, row["line_number"]) if row["deal_id"] else None
        line = Line(department=department, payload=payload, **row)
        grouped.setdefault(list_id, {}).setdefault(department, []).append(line)

    def walk_order(name: str) -> tuple[int, str]:
        return (walk.get(name.upper(), len(walk)), name)

    return {
        list_id: tuple(
            Department(name, tuple(departments[name]))
            for name in sorted(departments, key=walk_order)
        )
        for list_id, departments in grouped.items()
    }

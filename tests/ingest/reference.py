"""A plain-Python reference of the scan-line rules, to compare with the SQL on random rows.

Rules (the same as offers/ingest/sql/scans/, in the same order of precedence):
1. A CSV reader step: a typed column whose text is not a number (or, for timestamp, a date
   and time) rejects the row as unparseable_value of the first such column.
2. The row rule, in column order: empty basket id -> missing_value; empty household id ->
   missing_household; a number with a fraction where a whole one is needed ->
   unparseable_value; a time outside [earliest, latest] -> impossible_timestamp; empty
   quantity / amount / store / product -> missing_value.
3. Household not on file -> missing_household; product not listed -> unknown_product.
4. A second line for the same basket and product in the file, or one already loaded ->
   duplicate_line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

COLUMNS = (
    "basket_id",
    "household_id",
    "store_id",
    "timestamp",
    "product_id",
    "quantity",
    "amount_paid",
)
WHOLE = ("basket_id", "household_id", "store_id", "product_id", "quantity")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


@dataclass(frozen=True)
class Verdict:
    """What happens to one row: reason None means it loads."""

    reason: str | None
    field: str | None


def judge(
    rows: Sequence[dict[str, str]],
    households: set[int],
    products: set[int],
    loaded: set[tuple[int, int]],
    earliest: dt.datetime,
    latest: dt.datetime,
) -> list[Verdict]:
    """The verdict for each row, in order (values are CSV text; '' is empty)."""
    verdicts: list[Verdict] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        verdict = _row_verdict(row, households, products, earliest, latest)
        if verdict.reason is None:
            key = (int(float(row["basket_id"])), int(float(row["product_id"])))
            if key in seen or key in loaded:
                verdict = Verdict("duplicate_line", "product_id")
            seen.add(key)
        verdicts.append(verdict)
    return verdicts


def _row_verdict(
    row: dict[str, str],
    households: set[int],
    products: set[int],
    earliest: dt.datetime,
    latest: dt.datetime,
) -> Verdict:
    for column in COLUMNS:
        text = row[column]
        if not text:
            continue
        if column == "timestamp":
            if not TIMESTAMP.fullmatch(text) or _moment(text) is None:
                return Verdict("unparseable_value", column)
        elif not NUMBER.fullmatch(text):
            return Verdict("unparseable_value", column)
    for column in COLUMNS:
        text = row[column]
        if not text:
            return Verdict(
                "missing_household" if column == "household_id" else "missing_value", column
            )
        if column in WHOLE and float(text) != int(float(text)):
            return Verdict("unparseable_value", column)
        if column == "timestamp":
            moment = _moment(text)
            if moment is None or not earliest <= moment <= latest:
                return Verdict("impossible_timestamp", column)
    if int(float(row["household_id"])) not in households:
        return Verdict("missing_household", "household_id")
    if int(float(row["product_id"])) not in products:
        return Verdict("unknown_product", "product_id")
    return Verdict(None, None)


def _moment(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None

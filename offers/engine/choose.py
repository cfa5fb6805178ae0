"""Choosing each list's lines from the candidates: offers first, then reminders.

The rule (greedy, by targeting value):
1. Offers are taken in the candidates' order (highest targeting value first: expected
   value beyond what the offer would bring printed for a household at random; ties by
   household, deal, product). An offer joins its household's list when all of these hold:
   the list has fewer than max_lines lines; it is not a conversion or discovery line past
   max_discovery_lines; the list has no offer in its category yet (at most one offer per
   category) and no line for its product or deal yet; the list's face value plus the
   offer's stays within the household's budget (dollars); and the deal's expected cost
   (p_redeem x face value, dollars) stays within what is left of its cap.
2. Reminders (items likely needed, no offer) then fill each list up to max_lines, most
   likely first, skipping products already on it.
Greedy is not the exact optimum of the knapsack-like problem, but every constraint holds
for every list by construction, and the result depends only on the candidates' order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

LINE_TYPES: dict[str, pl.DataType] = {
    "household_id": pl.Int64(), "line_number": pl.Int32(), "product_id": pl.Int64(),
    "category": pl.String(), "brand_segment": pl.String(), "usage": pl.String(),
    "deal_id": pl.String(), "reason": pl.String(), "discount": pl.Float64(),
    "face_value": pl.Float64(), "p_redeem": pl.Float64(), "expected_value": pl.Float64(),
    "expected_date": pl.Date(), "valid_from": pl.Date(), "valid_to": pl.Date(),
}  # fmt: skip
"""The columns of a list line and their types."""
LINE_COLUMNS = tuple(LINE_TYPES)

_EPSILON = 1e-9
"""Dollars of slack when comparing sums of cents held as floats."""


@dataclass
class _List:
    budget: float
    offers: list[int] = field(default_factory=list)
    """Rows of the offer candidates taken, in the order taken."""
    reminders: list[int] = field(default_factory=list)
    """Rows of the reminder candidates taken, in the order taken."""
    lines: int = 0
    """len(offers) + len(reminders), kept as a count: the loop asks for it once per
    candidate (a million times at 50,000 households)."""
    face: float = 0.0
    discovery: int = 0
    categories: set[str | None] = field(default_factory=set)
    products: set[int] = field(default_factory=set)
    deals: set[str] = field(default_factory=set)


def choose_lines(
    offers: pl.DataFrame,
    reminders: pl.DataFrame,
    budgets: Mapping[int, float],
    caps: Mapping[str, float | None],
    *,
    max_lines: int,
    max_discovery_lines: int,
    window: tuple[object, object],
) -> pl.DataFrame:
    """The lines of every list.

    Input: offers (offer_candidates.sql output, in its order), reminders
    (reminder_candidates.sql output), budgets (household_id -> dollars of face value; a
    household absent from it gets no list), caps (deal_id -> dollars of expected cost left,
    None for no cap), the list window (first day, last day) for reminder lines.
    Output: LINE_COLUMNS, by household then line number (offers first, in the order taken).
    """
    lists: dict[int, _List] = {}
    left = dict(caps)
    offer_fields = ("household_id", "deal_id", "face_value", "p_redeem", "reason", "category",
                    "product_id")  # fmt: skip
    for row, (household, deal, face, p_redeem, reason, category, product) in enumerate(
        zip(*(offers[name].to_list() for name in offer_fields), strict=True)
    ):
        if household not in budgets:
            continue
        chosen = lists.get(household)
        if chosen is None:
            chosen = lists[household] = _List(float(budgets[household]))
        cost = p_redeem * face
        cap = left.get(deal)
        discovery = reason != "due"
        if (
            chosen.lines >= max_lines
            or (discovery and chosen.discovery >= max_discovery_lines)
            or category in chosen.categories
            or product in chosen.products
            or deal in chosen.deals
            or chosen.face + face > chosen.budget + _EPSILON
            or (cap is not None and cost > cap + _EPSILON)
        ):
            continue
        chosen.offers.append(row)
        chosen.lines += 1
        chosen.face += face
        chosen.discovery += discovery
        chosen.categories.add(category)
        chosen.products.add(product)
        chosen.deals.add(deal)
        if cap is not None:
            left[deal] = cap - cost
    for row, (household, product) in enumerate(
        zip(reminders["household_id"].to_list(), reminders["product_id"].to_list(), strict=True)
    ):
        if household not in budgets:
            continue
        chosen = lists.get(household)
        if chosen is None:
            chosen = lists[household] = _List(float(budgets[household]))
        if chosen.lines >= max_lines or product in chosen.products:
            continue
        chosen.products.add(product)
        chosen.reminders.append(row)
        chosen.lines += 1
    return _lines(offers, reminders, lists, window)


def _lines(
    offers: pl.DataFrame,
    reminders: pl.DataFrame,
    lists: dict[int, _List],
    window: tuple[object, object],
) -> pl.DataFrame:
    """The chosen rows as LINE_COLUMNS: each household's offers in the order taken, then its
    reminders (no deal, no discount, p_redeem = p_buy, valid for the whole window)."""
    households = sorted(lists)
    offer_rows = [row for h in households for row in lists[h].offers]
    reminder_rows = [row for h in households for row in lists[h].reminders]
    offer_numbers = [n for h in households for n in range(1, len(lists[h].offers) + 1)]
    reminder_numbers = [
        len(lists[h].offers) + n for h in households for n in range(1, len(lists[h].reminders) + 1)
    ]
    first_day, last_day = window
    taken_offers = offers[offer_rows].with_columns(
        line_number=pl.Series(offer_numbers, dtype=pl.Int32)
    )
    taken_reminders = reminders[reminder_rows].select(
        "household_id",
        pl.Series("line_number", reminder_numbers, dtype=pl.Int32),
        "product_id",
        "category",
        "brand_segment",
        "usage",
        pl.lit(None, pl.String).alias("deal_id"),
        pl.lit("due").alias("reason"),
        pl.lit(None, pl.Float64).alias("discount"),
        pl.lit(0.0).alias("face_value"),
        pl.col("p_buy").alias("p_redeem"),
        pl.lit(0.0).alias("expected_value"),
        "expected_date",
        pl.lit(first_day, pl.Date).alias("valid_from"),
        pl.lit(last_day, pl.Date).alias("valid_to"),
    )
    typed = [pl.col(name).cast(dtype) for name, dtype in LINE_TYPES.items()]
    return pl.concat([taken_offers.select(typed), taken_reminders.select(typed)]).sort(
        "household_id", "line_number"
    )

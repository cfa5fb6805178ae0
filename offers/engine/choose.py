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

LINE_COLUMNS = (
    "household_id", "line_number", "product_id", "category", "brand_segment", "usage",
    "deal_id", "reason", "discount",
    "face_value", "p_redeem", "expected_value", "expected_date", "valid_from", "valid_to",
)  # fmt: skip

_EPSILON = 1e-9
"""Dollars of slack when comparing sums of cents held as floats."""


@dataclass
class _List:
    budget: float
    lines: list[dict[str, object]] = field(default_factory=list)
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
    for offer in offers.iter_rows(named=True):
        household = int(offer["household_id"])
        if household not in budgets:
            continue
        chosen = lists.setdefault(household, _List(budget=float(budgets[household])))
        deal = str(offer["deal_id"])
        face = float(offer["face_value"])
        cost = float(offer["p_redeem"]) * face
        cap = left.get(deal)
        discovery = offer["reason"] != "due"
        if (
            len(chosen.lines) >= max_lines
            or (discovery and chosen.discovery >= max_discovery_lines)
            or offer["category"] in chosen.categories
            or offer["product_id"] in chosen.products
            or deal in chosen.deals
            or chosen.face + face > chosen.budget + _EPSILON
            or (cap is not None and cost > cap + _EPSILON)
        ):
            continue
        chosen.lines.append(dict(offer))
        chosen.face += face
        chosen.discovery += discovery
        chosen.categories.add(offer["category"])
        chosen.products.add(int(offer["product_id"]))
        chosen.deals.add(deal)
        if cap is not None:
            left[deal] = cap - cost
    first_day, last_day = window
    for reminder in reminders.iter_rows(named=True):
        household = int(reminder["household_id"])
        if household not in budgets:
            continue
        chosen = lists.setdefault(household, _List(budget=float(budgets[household])))
        if len(chosen.lines) >= max_lines or reminder["product_id"] in chosen.products:
            continue
        chosen.products.add(int(reminder["product_id"]))
        chosen.lines.append(
            {
                "product_id": reminder["product_id"],
                "category": reminder["category"],
                "brand_segment": reminder["brand_segment"],
                "usage": reminder["usage"],
                "deal_id": None,
                "reason": "due",
                "discount": None,
                "face_value": 0.0,
                "p_redeem": reminder["p_buy"],
                "expected_value": 0.0,
                "expected_date": reminder["expected_date"],
                "valid_from": first_day,
                "valid_to": last_day,
            }
        )
    records = [
        {**line, "household_id": household, "line_number": number}
        for household in sorted(lists)
        for number, line in enumerate(lists[household].lines, start=1)
    ]
    return pl.DataFrame(
        records,
        schema={
            "household_id": pl.Int64,
            "line_number": pl.Int32,
            "product_id": pl.Int64,
            "category": pl.String,
            "brand_segment": pl.String,
            "usage": pl.String,
            "deal_id": pl.String,
            "reason": pl.String,
            "discount": pl.Float64,
            "face_value": pl.Float64,
            "p_redeem": pl.Float64,
            "expected_value": pl.Float64,
            "expected_date": pl.Date,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
        },
    ).select(LINE_COLUMNS)

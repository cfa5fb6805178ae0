"""Choosing lines: every list keeps its rules, whatever the candidates (hypothesis)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from offers.engine.choose import choose_lines

WINDOW = (dt.date(2017, 3, 29), dt.date(2017, 4, 11))
CATEGORIES = ("MILK", "BREAD", "BEEF", "ANALGESICS")


@st.composite
def _candidates(
    draw: st.DrawFn,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[int, float], dict[str, float | None]]:
    households = draw(st.integers(1, 6))
    deals = [f"D{i}" for i in range(draw(st.integers(1, 6)))]
    offers = draw(
        st.lists(
            st.tuples(
                st.integers(1, households),
                st.sampled_from(deals),
                st.integers(1, 12),  # product
                st.sampled_from(("due", "due", "conversion", "discovery")),
                st.integers(1, 800).map(lambda cents: cents / 100),  # face value
                st.floats(0.01, 1.0),  # p_redeem
                st.floats(0.01, 10.0),  # expected value
            ),
            max_size=60,
        )
    )
    rows = [
        {
            "household_id": h, "deal_id": d, "product_id": p,
            "category": CATEGORIES[p % len(CATEGORIES)], "brand_segment": None, "usage": None,
            "reason": r, "discount": f, "face_value": f, "p_redeem": q, "expected_value": v,
            "expected_date": WINDOW[0], "valid_from": WINDOW[0], "valid_to": WINDOW[1],
        }
        for h, d, p, r, f, q, v in offers
    ]  # fmt: skip
    offer_frame = pl.DataFrame(
        rows,
        schema={
            "household_id": pl.Int64, "deal_id": pl.String, "product_id": pl.Int64,
            "category": pl.String, "brand_segment": pl.String, "usage": pl.String,
            "reason": pl.String, "discount": pl.Float64, "face_value": pl.Float64,
            "p_redeem": pl.Float64, "expected_value": pl.Float64, "expected_date": pl.Date,
            "valid_from": pl.Date, "valid_to": pl.Date,
        },
    ).sort("expected_value", descending=True)  # fmt: skip
    reminders = pl.DataFrame(
        [
            {"household_id": h, "product_id": p, "category": CATEGORIES[p % 4],
             "brand_segment": None, "usage": None, "p_buy": 0.5, "expected_date": WINDOW[0]}
            for h in range(1, households + 1)
            for p in draw(st.lists(st.integers(1, 12), unique=True, max_size=8))
        ],
        schema={
            "household_id": pl.Int64, "product_id": pl.Int64, "category": pl.String,
            "brand_segment": pl.String, "usage": pl.String, "p_buy": pl.Float64,
            "expected_date": pl.Date,
        },
    )  # fmt: skip
    budgets = {h: draw(st.sampled_from((5.0, 15.0, 30.0, 40.0))) for h in range(1, households + 1)}
    caps = {d: draw(st.one_of(st.none(), st.floats(0.0, 20.0))) for d in deals}
    return offer_frame, reminders, budgets, caps


@settings(max_examples=200, deadline=None)
@given(case=_candidates(), max_lines=st.integers(1, 12), max_discovery=st.integers(0, 3))
def test_every_list_keeps_its_rules(
    case: tuple[pl.DataFrame, pl.DataFrame, dict[int, float], dict[str, float | None]],
    max_lines: int,
    max_discovery: int,
) -> None:
    offers, reminders, budgets, caps = case
    lines = choose_lines(
        offers, reminders, budgets, caps,
        max_lines=max_lines, max_discovery_lines=max_discovery, window=WINDOW,
    )  # fmt: skip
    offered = lines.filter(pl.col("deal_id").is_not_null())
    for (household,), lst in lines.group_by("household_id"):
        on_offer = lst.filter(pl.col("deal_id").is_not_null())
        # No household's offer value exceeds its tier's budget.
        assert on_offer["face_value"].sum() <= budgets[int(household)] + 1e-9
        assert lst.height <= max_lines
        assert on_offer.filter(pl.col("reason") != "due").height <= max_discovery
        # At most one offer per category; a product and a deal once per list.
        assert on_offer["category"].n_unique() == on_offer.height
        assert on_offer["deal_id"].n_unique() == on_offer.height
        assert lst["product_id"].n_unique() == lst.height
        assert lst["line_number"].to_list() == list(range(1, lst.height + 1))
    # No deal's expected cost exceeds its cap.
    for (deal,), part in offered.group_by("deal_id"):
        cap = caps[str(deal)]
        if cap is not None:
            assert (part["p_redeem"] * part["face_value"]).sum() <= cap + 1e-9
    # Every offer line is one of the candidates, unchanged.
    candidate_keys = set(offers.select("household_id", "deal_id", "product_id").rows())
    assert set(offered.select("household_id", "deal_id", "product_id").rows()) <= candidate_keys


def test_the_best_offer_in_a_category_wins_and_the_next_stands_by_for_a_spent_cap() -> None:
    rows = [
        (1, "RICH", 1, 5.0, 1.0, 9.0),  # best, but its cap fits only household 1
        (2, "RICH", 1, 5.0, 1.0, 8.0),
        (2, "PLAIN", 2, 1.0, 1.0, 1.0),  # same category (product 2 % 4 ... set below)
    ]
    offers = pl.DataFrame(
        {
            "household_id": [r[0] for r in rows], "deal_id": [r[1] for r in rows],
            "product_id": [r[2] for r in rows], "category": ["MILK"] * 3,
            "brand_segment": [None] * 3, "usage": [None] * 3, "reason": ["due"] * 3,
            "discount": [r[3] for r in rows], "face_value": [r[3] for r in rows],
            "p_redeem": [r[4] for r in rows], "expected_value": [r[5] for r in rows],
            "expected_date": [WINDOW[0]] * 3, "valid_from": [WINDOW[0]] * 3,
            "valid_to": [WINDOW[1]] * 3,
        },
        schema_overrides={"brand_segment": pl.String, "usage": pl.String},
    )  # fmt: skip
    empty = pl.DataFrame(
        schema={"household_id": pl.Int64, "product_id": pl.Int64, "category": pl.String,
                "brand_segment": pl.String, "usage": pl.String, "p_buy": pl.Float64,
                "expected_date": pl.Date}
    )  # fmt: skip
    lines = choose_lines(
        offers, empty, {1: 40.0, 2: 40.0}, {"RICH": 5.0, "PLAIN": None},
        max_lines=12, max_discovery_lines=3, window=WINDOW,
    )  # fmt: skip
    assert lines.select("household_id", "deal_id").rows() == [(1, "RICH"), (2, "PLAIN")]

"""The holdout draw: reproducible, stable per household, about the share asked for."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from offers.engine.holdout import draw_arms


def _households(ids: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"household_id": ids}, schema={"household_id": pl.Int64})


def test_about_the_share_asked_for_is_held_out() -> None:
    arms = draw_arms(_households(list(range(1, 20_001))), seed=1, share=0.10)
    held = arms.filter(pl.col("arm") == "holdout").height / arms.height
    assert abs(held - 0.10) < 0.01  # 20,000 draws: 3 standard errors is 0.0064


@given(
    ids=st.lists(st.integers(1, 10**9), min_size=1, max_size=50, unique=True),
    seed=st.integers(0, 10**6),
)
def test_a_households_arm_depends_only_on_the_seed_and_its_id(ids: list[int], seed: int) -> None:
    together = draw_arms(_households(ids), seed, 0.3)
    alone = pl.concat([draw_arms(_households([h]), seed, 0.3) for h in ids])
    assert together.equals(alone)


def test_a_new_seed_redraws_the_holdout() -> None:
    ids = _households(list(range(1, 1001)))
    first = draw_arms(ids, seed=1, share=0.5)["arm"]
    second = draw_arms(ids, seed=2, share=0.5)["arm"]
    assert (first != second).sum() > 300
    assert draw_arms(ids, seed=1, share=0.5)["arm"].equals(first)

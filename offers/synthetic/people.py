"""Synthetic households: who they are (names in many scripts), where they shop, and the
traits the simulator plants in them.

Output schema (`households`): household_id Int64, store_id Int64, card_numbers Utf8, name,
address, postal_code Utf8, opted_out Boolean. Truth schema (`truth_households`):
household_id, store_id, pet_owner, has_infant (Boolean), size_factor Float64 (how much more
than a typical household it consumes), shop_days Utf8 (its two usual weekdays),
planted_weekly_spend Float64 (dollars; filled in by the simulator).
"""

from __future__ import annotations

import numpy as np
import polars as pl

STORES = (1, 2, 3, 4, 5, 6, 7, 8)
STORE_SHARE = (0.22, 0.18, 0.14, 0.12, 0.10, 0.09, 0.08, 0.07)
POSTAL_CODES = ("53913", "53959", "53532", "53555", "53916", "53965", "53948", "53901")
PET_OWNER_SHARE = 0.35
INFANT_SHARE = 0.12
OPT_OUT_SHARE = 0.02

FIRST_NAMES = (
    "Anna", "Bob", "Carol", "David", "Emily", "Frank", "Grace", "Henry", "Isabel", "Jack",
    "Karen", "Luis", "Maria", "Nathan", "Olivia", "Peter", "Rosa", "Samuel", "Tara", "Walter",
    "José", "Zoë", "Renée", "Søren", "Chloé", "Björn", "Amélie", "Łukasz", "Ngozi", "Aiyana",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Kowalski", "Schmidt", "Larson", "Olson", "Miller", "Anderson",
    "Nguyen", "Garcia", "Hansen", "Johnson", "Müller", "Núñez", "Dubois-Lefèvre", "O'Brien",
    "Wójcik", "Peña", "Brontë", "Okafor", "Yazzie", "Becker", "Novák", "Jensen", "Weiß",
)  # fmt: skip
CHINESE_NAMES = ("王芳", "李伟", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强")
CHINESE_NAME_SHARE = 0.05
STREETS = ("Main St", "Oak Ave", "River Rd", "Elm St", "Lake Dr", "Maple Ln", "Cedar Ct")


def households(first_id: int, count: int, rng: np.random.Generator) -> pl.DataFrame:
    """`count` households numbered from `first_id`, with their planted traits.

    Returns the households (schema above) joined with the truth columns.
    """
    ids = np.arange(first_id, first_id + count, dtype=np.int64)
    store_pick = rng.choice(len(STORES), size=count, p=STORE_SHARE)
    first = rng.choice(FIRST_NAMES, size=count)
    last = rng.choice(LAST_NAMES, size=count)
    chinese = rng.random(count) < CHINESE_NAME_SHARE
    chinese_name = rng.choice(CHINESE_NAMES, size=count)
    names = np.where(chinese, chinese_name, np.char.add(np.char.add(first, " "), last))
    numbers = rng.integers(1, 2000, size=count)
    streets = rng.choice(STREETS, size=count)
    shop_days = np.sort(
        np.stack([rng.integers(0, 7, size=count), rng.integers(0, 7, size=count)]), axis=0
    )
    return pl.DataFrame(
        {
            "household_id": ids,
            "store_id": np.asarray(STORES, dtype=np.int64)[store_pick],
            "card_numbers": [f"4{i:012d}" for i in ids],
            "name": names,
            "address": [f"{n} {s}" for n, s in zip(numbers, streets, strict=True)],
            "postal_code": np.asarray(POSTAL_CODES)[store_pick],
            "opted_out": rng.random(count) < OPT_OUT_SHARE,
            "pet_owner": rng.random(count) < PET_OWNER_SHARE,
            "has_infant": rng.random(count) < INFANT_SHARE,
            "size_factor": np.exp(rng.normal(0.0, 0.35, size=count)),
            "shop_day_a": shop_days[0].astype(np.int8),
            "shop_day_b": shop_days[1].astype(np.int8),
        }
    )

"""The purchase simulator: each household's planted habits turned into scan lines.

For every household x category it buys, the simulator plants
- a consumption rate (regular units a day) = usage level x household size / cycle_days;
- a renewal process: after a purchase of e regular units, the next purchase comes a
  Gamma(shape k, mean e / rate) number of days later (so a 4-pack lasts longer);
- a brand-loyalty type: national-loyal buys national brands with probability 0.985,
  store-loyal 0.015, a switcher with a share drawn uniformly from [0.35, 0.65];
- a usage level (low / medium / high) that scales both the rate and units per purchase.
A purchase moves to the household's next usual shopping day; all of a day's purchases
are one basket.

Output schema (`scans`): basket_id, household_id, store_id Int64, timestamp Datetime,
product_id Int64, quantity Int32, amount_paid, store_discount Float64 (dollars).
Truth schema (`truth_categories`): household_id Int64, category Utf8, loyalty Utf8
('national' | 'store' | 'switcher'), national_share Float64 (the planted probability),
usage Utf8 ('low' | 'medium' | 'high'), units_per_day Float64, mean_gap_days Float64
(days between purchases of a typical size), gamma_shape Float64.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from offers.synthetic.catalogue import Category
from offers.synthetic.people import STORES

LOYALTY = ("national", "store", "switcher")
LOYALTY_SHARE = (0.45, 0.25, 0.30)
LOYAL_SHARE = 0.985
SWITCHER_SHARE_RANGE = (0.35, 0.65)
PREFERRED_BRAND_SHARE = 0.85
"""How often a national-brand buyer takes its favourite national brand."""

USAGE = ("low", "medium", "high")
USAGE_RATE = (0.55, 1.0, 1.8)
USAGE_EXTRA_ITEMS = (0.1, 0.35, 0.8)
"""Mean extra items per purchase (Poisson) beyond the first, by usage level."""
LARGE_SIZE_SHARE = 0.25
GAMMA_SHAPE_RANGE = (2.0, 6.0)

DISCOUNTED_LINE_SHARE = 0.12
DISCOUNT_RANGE = (0.10, 0.30)
AWAY_STORE_SHARE = 0.08
"""Share of baskets bought at a store other than the household's own."""
BASKET_DAYS = 10_000
"""basket_id = household_id x BASKET_DAYS + day number of the basket."""


@dataclass(frozen=True)
class Chunk:
    """The scans and planted truth for one batch of households."""

    scans: pl.DataFrame
    truth: pl.DataFrame
    weekly_spend: np.ndarray


def simulate(
    households: pl.DataFrame,
    cats: list[Category],
    products: pl.DataFrame,
    start: dt.date,
    days: int,
    rng: np.random.Generator,
) -> Chunk:
    """Scan lines for `households` over `days` days from `start` (schemas above)."""
    n_households, n_cats = households.height, len(cats)
    pet = households["pet_owner"].to_numpy()
    infant = households["has_infant"].to_numpy()
    reach = np.array([c.reach for c in cats])
    stage = np.array([c.life_stage or "" for c in cats])
    can_buy = (
        (stage == "")[None, :]
        | ((stage == "pet")[None, :] & pet[:, None])
        | ((stage == "infant")[None, :] & infant[:, None])
    )
    buys = can_buy & (rng.random((n_households, n_cats)) < reach[None, :])
    hh_index, cat_index = np.nonzero(buys)
    pairs = hh_index.size

    loyalty = rng.choice(3, size=pairs, p=LOYALTY_SHARE)
    national_share = np.select(
        [loyalty == 0, loyalty == 1],
        [LOYAL_SHARE, 1 - LOYAL_SHARE],
        rng.uniform(*SWITCHER_SHARE_RANGE, size=pairs),
    )
    n_national = np.array([len(c.brands) for c in cats])[cat_index]
    favourite = 1 + (rng.random(pairs) * n_national).astype(np.int64)
    usage = rng.choice(3, size=pairs)
    size_factor = households["size_factor"].to_numpy()[hh_index]
    cycle = np.array([c.cycle_days for c in cats])[cat_index]
    rate = np.asarray(USAGE_RATE)[usage] * size_factor * np.exp(rng.normal(0, 0.2, pairs)) / cycle
    extra_items = np.asarray(USAGE_EXTRA_ITEMS)[usage]
    shape = rng.uniform(*GAMMA_SHAPE_RANGE, size=pairs)
    mean_units = (1 + extra_items) * (1 + LARGE_SIZE_SHARE)

    # Renewal process, one step for all pairs at a time.
    t = rng.uniform(0, 1, pairs) * mean_units / rate
    event_pair, event_time, event_brand, event_large, event_qty = [], [], [], [], []
    active = np.flatnonzero(t < days)
    while active.size:
        m = active.size
        national = rng.random(m) < national_share[active]
        other = 1 + (rng.random(m) * n_national[active]).astype(np.int64)
        brand = np.where(
            national,
            np.where(rng.random(m) < PREFERRED_BRAND_SHARE, favourite[active], other),
            0,
        )
        large = rng.random(m) < LARGE_SIZE_SHARE
        qty = 1 + rng.poisson(extra_items[active])
        event_pair.append(active)
        event_time.append(t[active])
        event_brand.append(brand)
        event_large.append(large)
        event_qty.append(qty)
        units = qty * np.where(large, 2, 1)
        k = shape[active]
        t[active] += rng.gamma(k, units / rate[active] / k)
        active = active[t[active] < days]

    pair = np.concatenate(event_pair) if event_pair else np.zeros(0, np.int64)
    day = np.floor(np.concatenate(event_time)).astype(np.int64) if event_pair else pair
    hh = hh_index[pair]
    # Move each purchase to the household's next usual shopping day.
    weekday = (start.weekday() + day) % 7
    shop_a = households["shop_day_a"].to_numpy().astype(np.int64)[hh]
    shop_b = households["shop_day_b"].to_numpy().astype(np.int64)[hh]
    day = day + np.minimum((shop_a - weekday) % 7, (shop_b - weekday) % 7)
    keep = day < days

    household_id = households["household_id"].to_numpy()
    frame = pl.DataFrame(
        {
            "household_id": household_id[hh][keep],
            "day": day[keep],
            "product_id": (
                1_000_000
                + cat_index[pair] * 1000
                + np.concatenate(event_brand) * 10
                + np.concatenate(event_large)
            )[keep]
            if event_pair
            else np.zeros(0, np.int64),
            "quantity": np.concatenate(event_qty)[keep] if event_pair else np.zeros(0, np.int64),
        }
    )
    scans = _lines(frame, households, products, start, rng)
    truth = pl.DataFrame(
        {
            "household_id": household_id[hh_index],
            "category": np.array([c.name for c in cats])[cat_index],
            "loyalty": np.asarray(LOYALTY)[loyalty],
            "national_share": national_share,
            "usage": np.asarray(USAGE)[usage],
            "units_per_day": rate,
            "mean_gap_days": mean_units / rate,
            "gamma_shape": shape,
        }
    )
    weekly_spend = _planted_weekly_spend(
        n_households, hh_index, cat_index, rate, national_share, products
    )
    return Chunk(scans=scans, truth=truth, weekly_spend=weekly_spend)


def _lines(
    purchases: pl.DataFrame,
    households: pl.DataFrame,
    products: pl.DataFrame,
    start: dt.date,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Purchases (household_id, day, product_id, quantity) as priced scan lines."""
    lines = (
        purchases.group_by("household_id", "day", "product_id")
        .agg(pl.col("quantity").sum())
        .sort("household_id", "day", "product_id")
        .join(products.select("product_id", "price"), on="product_id", how="left")
        .join(households.select("household_id", "store_id"), on="household_id", how="left")
        .with_columns(basket_id=pl.col("household_id") * BASKET_DAYS + pl.col("day"))
    )
    n = lines.height
    discounted = rng.random(n) < DISCOUNTED_LINE_SHARE
    discount_rate = np.where(discounted, rng.uniform(*DISCOUNT_RANGE, n), 0.0)
    basket = lines["basket_id"].to_numpy()
    # Per-basket facts from a hash of the basket id, so every line of a basket agrees.
    mixed = (basket * 2654435761) % 2**32
    away = (mixed % 1000) < AWAY_STORE_SHARE * 1000
    away_store = np.asarray(STORES, dtype=np.int64)[(mixed // 1000) % len(STORES)]
    minute_of_day = 8 * 60 + (mixed // 7919) % (12 * 60)
    seconds = (mixed // 104729) % 60
    origin = dt.datetime.combine(start, dt.time())
    return lines.with_columns(
        store_id=pl.when(pl.Series(away)).then(pl.Series(away_store)).otherwise("store_id"),
        timestamp=pl.lit(origin)
        + pl.duration(
            days=pl.col("day"),
            minutes=pl.lit(pl.Series(minute_of_day)),
            seconds=pl.lit(pl.Series(seconds)),
        ),
        store_discount=pl.Series(
            np.round(lines["price"].to_numpy() * lines["quantity"].to_numpy() * discount_rate, 2)
        ),
    ).select(
        "basket_id",
        "household_id",
        "store_id",
        "timestamp",
        "product_id",
        pl.col("quantity").cast(pl.Int32),
        amount_paid=(pl.col("price") * pl.col("quantity") - pl.col("store_discount")).round(2),
        store_discount="store_discount",
    )


def _planted_weekly_spend(
    n_households: int,
    hh_index: np.ndarray,
    cat_index: np.ndarray,
    rate: np.ndarray,
    national_share: np.ndarray,
    products: pl.DataFrame,
) -> np.ndarray:
    """Expected dollars a week: units a day x 7 x the expected price of a unit."""
    regular = products.filter(~pl.col("large"))
    store_price = regular.filter(pl.col("brand_index") == 0).sort("category_index")["price"]
    national_price = (
        regular.filter(pl.col("brand_index") > 0)
        .group_by("category_index")
        .agg(pl.col("price").mean())
        .sort("category_index")["price"]
    )
    unit_price = (
        national_share * national_price.to_numpy()[cat_index]
        + (1 - national_share) * store_price.to_numpy()[cat_index]
    )
    # A large item is 2 units for 1.8 prices; discounts take a little off.
    per_unit = unit_price * (1 - LARGE_SIZE_SHARE + LARGE_SIZE_SHARE * 1.8) / (1 + LARGE_SIZE_SHARE)
    per_unit *= 1 - DISCOUNTED_LINE_SHARE * sum(DISCOUNT_RANGE) / 2
    weekly = np.zeros(n_households)
    np.add.at(weekly, hh_index, rate * 7 * per_unit)
    return weekly

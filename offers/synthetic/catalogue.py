"""The synthetic store's products, from `catalogue.toml`.

Output schema (`products`): product_id Int64, description Utf8, brand Utf8, brand_type Utf8
('national' | 'store'), manufacturer_id Int64, department, category, subcategory, size Utf8;
plus, for the simulator only, category_index Int32, brand_index Int32 (0 = the store brand),
large Boolean (the large size lasts two regular units) and price Float64 (dollars per item).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

import polars as pl

STORE_BRAND = "Dick's"
STORE_MANUFACTURER = 999
STORE_BRAND_DISCOUNT = 0.75
"""A store-brand item costs this share of the national price."""
LARGE_SIZE_PRICE = 1.8
"""The large size (two regular units' worth) costs this many regular prices."""


@dataclass(frozen=True)
class Category:
    """One category of the synthetic store. cycle_days: days a regular unit lasts a
    medium-usage household; reach: share of (eligible) households that buy it."""

    index: int
    name: str
    department: str
    subcategory: str
    cycle_days: float
    reach: float
    price: float
    brands: tuple[tuple[str, int], ...]
    unit: str
    life_stage: str | None


def categories() -> list[Category]:
    """The categories in catalogue order."""
    text = resources.files("offers.synthetic").joinpath("catalogue.toml").read_text()
    raw = tomllib.loads(text)["category"]
    return [
        Category(
            index=index,
            name=entry["name"],
            department=entry["department"],
            subcategory=entry["subcategory"],
            cycle_days=float(entry["cycle_days"]),
            reach=float(entry["reach"]),
            price=float(entry["price"]),
            brands=tuple((str(name), int(maker)) for name, maker in entry["brands"]),
            unit=entry["unit"],
            life_stage=entry.get("life_stage"),
        )
        for index, entry in enumerate(raw)
    ]


def products(cats: list[Category]) -> pl.DataFrame:
    """Every brand of every category in a regular and a large size (schema above)."""
    rows = []
    for cat in cats:
        brands = [(STORE_BRAND, STORE_MANUFACTURER), *cat.brands]
        for brand_index, (brand, maker) in enumerate(brands):
            store = brand_index == 0
            base = round(cat.price * (STORE_BRAND_DISCOUNT if store else 1.0), 2)
            for large in (False, True):
                size = f"2 x {cat.unit}" if large else cat.unit
                rows.append(
                    {
                        "product_id": 1_000_000 + cat.index * 1000 + brand_index * 10 + large,
                        "description": f"{brand} {cat.subcategory.title()} {size}",
                        "brand": brand,
                        "brand_type": "store" if store else "national",
                        "manufacturer_id": maker,
                        "department": cat.department,
                        "category": cat.name,
                        "subcategory": cat.subcategory,
                        "size": size,
                        "category_index": cat.index,
                        "brand_index": brand_index,
                        "large": large,
                        "price": round(base * (LARGE_SIZE_PRICE if large else 1.0), 2),
                    }
                )
    return pl.DataFrame(rows).with_columns(
        pl.col("category_index").cast(pl.Int32), pl.col("brand_index").cast(pl.Int32)
    )

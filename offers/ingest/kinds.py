"""What each kind of input file must hold, and the SQL rules that check and write it.

A load runs, for its kind: the row rule (`check.sql`: each row checked and typed on its own),
then each rule across rows and tables in the order listed here (each marks more rows of the
temporary table `checked` as rejected), then the writes. The SQL lives in
`offers/ingest/sql/<kind>/`, one rule per file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

KindName = Literal["scans", "products", "households", "deals"]


@dataclass(frozen=True)
class Kind:
    """One kind of input file: its columns and the SQL that checks and writes its rows.

    `check_sql` reads the relation `staged` (surplus, then `columns`) and returns every row
    typed, in file order, with reason/field/value set on the rejected ones. `rules` are
    UPDATE statements, run in order, that reject more rows of the temporary table `checked`
    (that result); `write_sql` writes the rows of `checked` whose reason is NULL.
    `csv_types` are the types a CSV reader gives columns (the rest stay text): parsing
    numbers as DOUBLE keeps a fraction that the check then rejects ('1.5' is no id).
    """

    name: KindName
    required: tuple[str, ...]
    optional: tuple[str, ...]
    check_sql: str
    rules: tuple[str, ...]
    write_sql: tuple[str, ...]
    csv_types: Mapping[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def _sql(kind: str, name: str) -> str:
    return resources.files("offers.ingest").joinpath(f"sql/{kind}/{name}.sql").read_text()


def _statements(kind: str, name: str) -> tuple[str, ...]:
    """The statements of a .sql file, split at the semicolons that end a line."""
    parts = (part.strip() for part in _sql(kind, name).split(";\n"))
    return tuple(part.rstrip(";") for part in parts if part and not _only_comments(part))


def _only_comments(text: str) -> bool:
    return all(line.strip().startswith("--") or not line.strip() for line in text.splitlines())


SCANS = Kind(
    name="scans",
    required=(
        "basket_id",
        "household_id",
        "store_id",
        "timestamp",
        "product_id",
        "quantity",
        "amount_paid",
    ),
    optional=("store_discount", "coupon_discount", "coupon_match_discount"),
    check_sql=_sql("scans", "check"),
    rules=(
        _sql("scans", "missing_household"),
        _sql("scans", "unknown_product"),
        _sql("scans", "duplicate_in_file"),
        _sql("scans", "duplicate_in_warehouse"),
    ),
    write_sql=_statements("scans", "write"),
    csv_types={
        "basket_id": "DOUBLE",
        "household_id": "DOUBLE",
        "store_id": "DOUBLE",
        "timestamp": "TIMESTAMP",
        "product_id": "DOUBLE",
        "quantity": "DOUBLE",
        "amount_paid": "DOUBLE",
        "store_discount": "DOUBLE",
        "coupon_discount": "DOUBLE",
        "coupon_match_discount": "DOUBLE",
    },
)

PRODUCTS = Kind(
    name="products",
    required=("product_id", "brand_type"),
    optional=(
        "description",
        "brand",
        "manufacturer_id",
        "department",
        "category",
        "subcategory",
        "size",
    ),
    check_sql=_sql("products", "check"),
    rules=(_sql("products", "duplicate_in_file"),),
    write_sql=_statements("products", "write"),
)

HOUSEHOLDS = Kind(
    name="households",
    required=("household_id",),
    optional=("store_id", "card_numbers", "name", "address", "postal_code", "opted_out"),
    check_sql=_sql("households", "check"),
    rules=(
        _sql("households", "duplicate_in_file"),
        _sql("households", "card_in_use"),
    ),
    write_sql=_statements("households", "write"),
)

DEALS = Kind(
    name="deals",
    required=("deal_id", "scope_kind", "scope_value", "offer_kind", "valid_from", "valid_to"),
    optional=(
        "description",
        "manufacturer_id",
        "offer_value",
        "buy_x",
        "get_y",
        "funding_per_redemption",
        "budget_cap",
        "limit_per_household",
        "target_kind",
        "target_value",
    ),
    check_sql=_sql("deals", "check"),
    rules=(
        _sql("deals", "duplicate_in_file"),
        _sql("deals", "unknown_scope"),
        _sql("deals", "targeted_scope_in_one_category"),
    ),
    write_sql=_statements("deals", "write"),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (SCANS, PRODUCTS, HOUSEHOLDS, DEALS)}

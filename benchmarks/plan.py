"""Planning speed and memory: one list cycle for a 50,000-household synthetic store with
200 deals, timed stage by stage, so the engine's own share (candidates, choosing, writing)
shows beside the purchase-cycle and segment stages it uses.

    .venv/bin/python -m benchmarks.plan [--households 50000] [--deals 200]

The store is generated and loaded once into bench-data/ (git-ignored, shared with
benchmarks/segments.py); the warehouse is copied so each run plans from the same state.
Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import resource
import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.segments import AS_OF, warehouse
from offers.deals import load_deals
from offers.engine import plan
from offers.synthetic.catalogue import STORE_MANUFACTURER, categories, products
from offers.warehouse import connect

ENGINE_STAGES = ("candidates", "choosing", "writing")


def synthetic_deals(count: int, as_of: dt.date) -> pl.DataFrame:
    """`count` deals for the synthetic catalogue running over `as_of`, in deal-file columns:
    in turn a brand deal for everyone, a brand deal for switchers, and a store-brand
    conversion per category, cycling through amounts, percentages and buy-2-get-1."""
    catalogue = products(categories())
    national = catalogue.filter(pl.col("brand_type") == "national")
    brands = national.select("brand", "manufacturer_id").unique().sort("brand").rows()
    # A segment deal is about one category: brands sold in several get deals for everyone.
    spread = dict(national.group_by("brand").agg(pl.col("category").n_unique()).rows())
    store_items = catalogue.filter(pl.col("brand_type") == "store").group_by("category").agg(
        pl.col("product_id").sort()
    ).sort("category").rows()  # fmt: skip
    made: list[dict[str, object]] = []
    kinds = [("amount_off", "1.00", None, None), ("percent_off", "20%", None, None),
             ("buy_x_get_y", None, 2, 1)]  # fmt: skip
    round_number = 0
    while len(made) < count:
        for index, (brand, maker) in enumerate(brands):
            kind, value, buy, get = kinds[(index + round_number) % len(kinds)]
            segment = round_number % 2 == 1 and spread[brand] == 1
            made.append({
                "deal_id": f"B{round_number}-{index}", "manufacturer_id": maker,
                "scope_kind": "brand", "scope_value": brand, "offer_kind": kind,
                "offer_value": value, "buy_x": buy, "get_y": get,
                "funding_per_redemption": "1.10", "budget_cap": str(2000 + 500 * index % 4000),
                "target_kind": "segment" if segment else "all",
                "target_value": "switcher" if segment else None,
            })  # fmt: skip
        for index, (_category, ids) in enumerate(store_items):
            made.append({
                "deal_id": f"C{round_number}-{index}", "manufacturer_id": STORE_MANUFACTURER,
                "scope_kind": "product", "scope_value": " ".join(map(str, ids)),
                "offer_kind": "amount_off", "offer_value": "1.50", "buy_x": None,
                "get_y": None, "funding_per_redemption": "0", "budget_cap": "3000",
                "target_kind": "conversion", "target_value": "national",
            })  # fmt: skip
        round_number += 1
    frame = pl.DataFrame(made[:count], infer_schema_length=None)
    return frame.with_columns(
        valid_from=pl.lit(as_of - dt.timedelta(days=7)),
        valid_to=pl.lit(as_of + dt.timedelta(days=27)),
    )


def store_with_deals(
    data: Path, households: int, deals: int, name: str
) -> tuple[duckdb.DuckDBPyConnection, Path, int]:
    """A fresh copy (`data`/`name`-N.duckdb) of the loaded synthetic store of `households`
    with `deals` synthetic deals loaded: the connection, the copy and the deals loaded."""
    data.mkdir(exist_ok=True)
    source = warehouse(data, households)
    db = data / f"{name}-{households}.duckdb"
    shutil.copyfile(source, db)
    deals_file = data / f"deals-{deals}.csv"
    synthetic_deals(deals, AS_OF).write_csv(deals_file)
    con = connect(db)
    return con, db, load_deals(con, deals_file).rows_loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    con, db, loaded = store_with_deals(args.data, args.households, args.deals, "plan")
    print(f"{args.households:,} households; {loaded} deals loaded")
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    result = plan(con, AS_OF, on_stage=lambda name: marks.append((name, time.perf_counter())))
    ended = time.perf_counter()
    marks.append(("end", ended))
    total = ended - started
    print(f"{'stage':<18}{'seconds':>9}{'share':>8}")
    engine = 0.0
    for (name, at), (_, after) in itertools.pairwise(marks):
        print(f"{name:<18}{after - at:>9.2f}{(after - at) / total:>8.0%}")
        engine += after - at if name in ENGINE_STAGES else 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total':<18}{total:>9.2f}")
    print(f"engine's own stages ({', '.join(ENGINE_STAGES)}): {engine:.2f} s, {engine / total:.0%}")
    print(f"peak memory (max RSS of the process): {peak:,.0f} MB")
    print(
        f"run {result.run_id}: {result.households_eligible:,} eligible, "
        f"{result.households_treated:,} treated, {result.lists:,} lists, {result.lines:,} lines"
    )
    con.close()
    db.unlink()


if __name__ == "__main__":
    main()

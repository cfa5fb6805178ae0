"""Segmentation speed: `brand_segments` over every household x category of a synthetic
store, against the floor: one DuckDB pass over the scans joined to products, grouped by
household and category (sum of units), on the same warehouse in the same run.

    .venv/bin/python benchmarks/segments.py [--households 50000] [--repeat 3]

The store (50,000 households x 52 weeks, about 16 M scan lines) is generated and loaded
once into bench-data/ (git-ignored) and reused. Target: within 3x of the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from offers.config import SegmentSettings
from offers.ingest import ingest_file
from offers.segments import brand_segments, value_tiers
from offers.synthetic import generate
from offers.warehouse import connect, frame, rows

TARGET_RATIO = 3.0
AS_OF = dt.date(2017, 12, 31)

FLOOR_SQL = """
SELECT s.household_id, p.category, sum(s.quantity) AS units
FROM scan_line AS s
JOIN product AS p ON p.product_id = s.product_id
GROUP BY s.household_id, p.category
"""


def warehouse(folder: Path, households: int, weeks: int = 52) -> Path:
    """A warehouse with the synthetic store (from 2017-01-01) loaded, made once."""
    suffix = f"{households}" if weeks == 52 else f"{households}-{weeks}w"
    db = folder / f"segments-{suffix}.duckdb"
    if db.exists():
        return db
    store = folder / f"parquet-{suffix}"
    if not (store / "scans.parquet").exists():
        print(f"generating {households:,} households x {weeks} weeks in {store} ...")
        generate(store, households_count=households, weeks=weeks, seed=1)
    print(f"loading {db} ...")
    con = connect(db)
    for kind in ("products", "households", "scans"):
        ingest_file(con, kind, store / f"{kind}.parquet")
    con.close()
    return db


def best_of_interleaved(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The best time of each run over `repeat` rounds, the runs taking turns in every round,
    so a slow spell of a shared machine falls on all of them rather than on one."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: min(seconds) for name, seconds in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the best of each counts")
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    con = connect(warehouse(args.data, args.households), read_only=True)
    lines = rows(con, "SELECT count(*) FROM scan_line")[0][0]

    best = best_of_interleaved(
        args.repeat,
        {
            "floor": lambda: frame(con, FLOOR_SQL),
            "segments": lambda: brand_segments(con, AS_OF),
            "tiers": lambda: value_tiers(con, AS_OF),
            # For context: a setting of 3 occasions or more makes it count purchase days.
            "counting": lambda: brand_segments(con, AS_OF, SegmentSettings(min_occasions=3)),
        },
    )
    floor, segments, tiers = best["floor"], best["segments"], best["tiers"]
    pairs = brand_segments(con, AS_OF).height

    print()
    print(f"{args.households:,} households, {lines:,} scan lines, {pairs:,} household x category")
    print(f"{'step':28} {'seconds':>8} {'ratio to floor':>15}  target <= {TARGET_RATIO}")
    print(f"{'floor (join + group by)':28} {floor:>8.2f} {1.0:>15.2f}")
    counting = "brand_segments, 3 occasions"
    print(f"{counting:28} {best['counting']:>8.2f} {best['counting'] / floor:>15.2f}")
    for name, seconds in (("brand_segments", segments), ("value_tiers", tiers)):
        ratio = seconds / floor
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(f"{name:28} {seconds:>8.2f} {ratio:>15.2f}  {verdict}")


if __name__ == "__main__":
    main()

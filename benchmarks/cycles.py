"""Prediction speed and memory: `predict` (with its calibration) for every household x
product of a synthetic store, against the floor: one DuckDB pass
`SELECT household_id, product_id, count(*), max(scanned_at) FROM scan_line GROUP BY ALL`,
in the same run on the same warehouse. Two sizes, to show how cost grows.

    .venv/bin/python -m benchmarks.cycles [--households 25000 50000] [--weeks 52 26] [--repeat 3]

Seconds: the best of `repeat` rounds in which the floor and predict take turns (a slow
spell of a shared machine falls on both). Peak memory: the growth of this process's peak
resident set over each step's first run (Linux ru_maxrss), in the order printed.
Target: within 5x of the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.segments import best_of_interleaved, warehouse
from offers.cycles import predict
from offers.warehouse import connect, frame, rows

TARGET_RATIO = 5.0
FLOOR_SQL = "SELECT household_id, product_id, count(*), max(scanned_at) FROM scan_line GROUP BY ALL"


def measured(run: Callable[[], object]) -> tuple[float, float]:
    """Seconds, and growth of the peak resident set in MB, of one run."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return seconds, (after - before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, nargs="+", default=[25_000, 50_000])
    parser.add_argument("--weeks", type=int, nargs="+", default=[52, 26])
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best of each counts")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"{'households':>10} {'weeks':>5} {'lines':>12} {'pairs':>10} {'step':10} {'seconds':>8} "
          f"{'peak MB+':>9} {'ratio':>6}  target <= {TARGET_RATIO}")  # fmt: skip
    sizes = [(households, args.weeks[0]) for households in args.households]
    sizes += [(args.households[0], weeks) for weeks in args.weeks[1:]]
    for households, weeks in sizes:
        measure_size(args.data, households, weeks, args.repeat)


def measure_size(data: Path, households: int, weeks: int, repeat: int) -> None:
    """Print the floor and predict for one store size (predicting as of its last day)."""
    con = connect(warehouse(data, households, weeks), read_only=True)
    as_of = dt.date(2017, 1, 1) + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    lines = rows(con, "SELECT count(*) FROM scan_line")[0][0]
    pairs: list[int] = []
    runs: dict[str, Callable[[], object]] = {
        "floor": lambda: frame(con, FLOOR_SQL),
        "predict": lambda: pairs.append(predict(con, as_of, 14, "product").height),
    }
    memory = {step: measured(run)[1] for step, run in runs.items()}
    best = best_of_interleaved(repeat, runs)
    floor, ours = best["floor"], best["predict"]
    floor_mb, ours_mb = memory["floor"], memory["predict"]
    for step, seconds, mb in (("floor", floor, floor_mb), ("predict", ours, ours_mb)):
        ratio = seconds / floor
        verdict = "" if step == "floor" else ("ok" if ratio <= TARGET_RATIO else "MISSED")
        print(f"{households:>10,} {weeks:>5} {lines:>12,} {pairs[0]:>10,} {step:10} "
              f"{seconds:>8.2f} {mb:>9.0f} {ratio:>6.2f}  {verdict}")  # fmt: skip
    con.close()


if __name__ == "__main__":
    main()

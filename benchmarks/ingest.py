"""Ingest speed: `offers` scan ingest (checks, quarantine, hashing, one transaction) against
the floor, a bare DuckDB `INSERT INTO t SELECT * FROM read_csv(...)` (or read_parquet) of the
same file into a fresh warehouse file.

    .venv/bin/python benchmarks/ingest.py [--households 31500] [--repeat 2]

31,500 synthetic households x 52 weeks is about 10 M scan lines. The files are generated
once into bench-data/ (git-ignored) and reused. Target: offers within 1.5x of the floor.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from offers.ingest import ingest_file
from offers.synthetic import generate
from offers.warehouse import connect

TARGET_RATIO = 1.5
READERS = {"csv": "read_csv", "parquet": "read_parquet"}


def store_files(folder: Path, households: int, fmt: str) -> tuple[Path, Path, Path]:
    """products, households and scans files of the synthetic store, generated if missing."""
    target = folder / f"{fmt}-{households}"
    scans = target / f"scans.{fmt}"
    if not scans.exists():
        print(f"generating {households:,} households x 52 weeks as {fmt} in {target} ...")
        generate(target, households_count=households, weeks=52, seed=1, fmt=fmt)  # type: ignore[arg-type]
    return target / f"products.{fmt}", target / f"households.{fmt}", scans


def floor_seconds(scans: Path, fmt: str, work: Path) -> float:
    """Seconds for the bare DuckDB insert of the whole file into a new database file."""
    db = work / "floor.duckdb"
    con = duckdb.connect(str(db))
    reader = READERS[fmt]
    con.execute(
        f"CREATE TABLE scan_raw AS SELECT * FROM {reader}($path) LIMIT 0", {"path": str(scans)}
    )
    started = time.perf_counter()
    con.execute(f"INSERT INTO scan_raw SELECT * FROM {reader}($path)", {"path": str(scans)})
    con.close()
    seconds = time.perf_counter() - started
    db.unlink()
    return seconds


def offers_seconds(products: Path, households: Path, scans: Path, work: Path) -> tuple[float, int]:
    """Seconds for `offers ingest scans` of the file (products and households loaded first)."""
    db = work / "offers.duckdb"
    con = connect(db)
    ingest_file(con, "products", products)
    ingest_file(con, "households", households)
    started = time.perf_counter()
    result = ingest_file(con, "scans", scans)
    con.close()
    seconds = time.perf_counter() - started
    db.unlink()
    assert result.rows_loaded == result.rows_read, result.quarantined_by_reason
    return seconds, result.rows_loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=31_500)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best counts")
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()

    rows = []
    for fmt in ("csv", "parquet"):
        products, households, scans = store_files(args.data, args.households, fmt)
        work = Path(tempfile.mkdtemp(prefix="offers-bench-"))
        try:
            floor = min(floor_seconds(scans, fmt, work) for _ in range(args.repeat))
            runs = [offers_seconds(products, households, scans, work) for _ in range(args.repeat)]
        finally:
            shutil.rmtree(work)
        ours = min(seconds for seconds, _ in runs)
        lines = runs[0][1]
        size_mb = scans.stat().st_size / 1e6
        rows.append((fmt, lines, size_mb, floor, ours))

    print()
    print(f"{'format':8} {'lines':>12} {'MB':>8} {'floor s':>9} {'offers s':>9} "
          f"{'offers rows/s':>14} {'ratio':>6}  target <= {TARGET_RATIO}")  # fmt: skip
    for fmt, lines, size_mb, floor, ours in rows:
        ratio = ours / floor
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(f"{fmt:8} {lines:>12,} {size_mb:>8.0f} {floor:>9.2f} {ours:>9.2f} "
              f"{lines / ours:>14,.0f} {ratio:>6.2f}  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()

"""The demo: a small synthetic store generated, loaded and summarised.

Later stages extend it until it runs a whole list cycle; the CLI's `offers demo` and
`make demo` call `run_demo`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from offers.config import IngestSettings
from offers.ingest import LoadResult, Progress, ingest_file
from offers.synthetic import GeneratedStore, generate
from offers.warehouse import value

DEMO_HOUSEHOLDS = 2_000
DEMO_WEEKS = 52
DEMO_SEED = 2017

# What is in the warehouse, table by table. Table names are fixed here, not user input.
_WAREHOUSE_TABLES = (
    "product", "household", "household_contact", "household_card", "scan_line", "deal",
    "quarantine", "ingested_file",
)  # fmt: skip


@dataclass(frozen=True)
class DemoResult:
    store: GeneratedStore
    loads: list[LoadResult]
    table_rows: dict[str, int]


def warehouse_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each of the warehouse's main tables."""
    counts = {}
    for table in _WAREHOUSE_TABLES:
        counts[table] = int(value(con, f"SELECT count(*) FROM {table}"))
    return counts


def run_demo(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    households: int = DEMO_HOUSEHOLDS,
    weeks: int = DEMO_WEEKS,
    seed: int = DEMO_SEED,
    on_progress: Callable[[str], Progress] | None = None,
) -> DemoResult:
    """Generate the synthetic store into `out/store`, load it, count what is there."""
    store = generate(out / "store", households_count=households, weeks=weeks, seed=seed)
    loads = []
    for kind, path in (
        ("products", store.products),
        ("households", store.households),
        ("scans", store.scans),
    ):
        callback = on_progress(kind) if on_progress else None
        loads.append(ingest_file(con, kind, path, IngestSettings(), on_progress=callback))
    return DemoResult(store=store, loads=loads, table_rows=warehouse_counts(con))

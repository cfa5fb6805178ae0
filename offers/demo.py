"""The demo: a small synthetic store generated and loaded, its deals loaded, the list
cycle after its last week planned, with the run summary written, and every list printed
(PDF, one per household, and one print file per store).

The CLI's `offers demo` and `make demo` call `run_demo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from offers.config import IngestSettings, Settings
from offers.deals import load_deals
from offers.engine import PlanResult, plan
from offers.engine.run import Stage
from offers.ingest import LoadResult, Progress, ingest_file
from offers.lists.render import RenderResult, render_run
from offers.run_summary import summarise, write_summary
from offers.synthetic import DEFAULT_START, GeneratedStore, generate
from offers.warehouse import value

DEMO_HOUSEHOLDS = 2_000
DEMO_WEEKS = 52
DEMO_SEED = 2017
DEMO_DEALS = Path("fixtures/store-deals.toml")
"""The synthetic store's deal file, relative to the repository (where `make demo` runs)."""

# What is in the warehouse, table by table. Table names are fixed here, not user input.
_WAREHOUSE_TABLES = (
    "product", "household", "household_contact", "household_card", "scan_line", "deal",
    "quarantine", "ingested_file", "plan_run", "run_household", "shopping_list", "list_line",
)  # fmt: skip


@dataclass(frozen=True)
class DemoResult:
    store: GeneratedStore
    loads: list[LoadResult]
    table_rows: dict[str, int]
    run: PlanResult
    summary: Path
    lists: RenderResult


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
    deals: Path = DEMO_DEALS,
    on_progress: Callable[[str], Progress] | None = None,
    on_stage: Stage | None = None,
    workers: int = 2,
) -> DemoResult:
    """Generate the synthetic store into `out/store` and load it; load `deals`; plan the
    list cycle that starts the day after the store's last week and write its summary to
    `out/runs/<run id>/`; render its lists there (lists/ and print/) with `workers`
    processes."""
    if not deals.is_file():
        raise FileNotFoundError(f"{deals}: no such deal file (run the demo from the repository)")
    store = generate(out / "store", households_count=households, weeks=weeks, seed=seed)
    loads = []
    for kind, path in (
        ("products", store.products),
        ("households", store.households),
        ("scans", store.scans),
    ):
        callback = on_progress(kind) if on_progress else None
        loads.append(ingest_file(con, kind, path, IngestSettings(), on_progress=callback))
    loads.append(load_deals(con, deals))
    as_of = DEFAULT_START + dt.timedelta(weeks=weeks)
    run = plan(con, as_of, Settings(), on_stage=on_stage)
    folder = out / "runs" / run.run_id
    page = write_summary(summarise(con, run.run_id), folder)
    if on_stage:
        on_stage("printing lists")
    lists = render_run(con, run.run_id, folder, Settings().lists, workers=workers)
    return DemoResult(
        store=store,
        loads=loads,
        table_rows=warehouse_counts(con),
        run=run,
        summary=page,
        lists=lists,
    )

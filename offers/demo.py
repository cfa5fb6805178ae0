"""The demo: a small synthetic store generated and loaded, its deals loaded, the list
cycle after its last week planned, with the run summary written, and every list printed
(PDF, one per household, and one print file per store); then the lists published to the
checkout's live ledger (out/offers.ledger.sqlite beside the warehouse), a simulated day
at the lanes applied to it (a few returns among them), the sales synced back into
the warehouse, and the report for the maker of Tylenol written (out/reports/).

The CLI's `offers demo` and `make demo` call `run_demo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from offers.config import IngestSettings, Settings
from offers.deals import load_deals
from offers.engine import PlanResult, plan
from offers.engine.run import Stage
from offers.ingest import LoadResult, Progress, ingest_file
from offers.lists.render import RenderResult, render_run
from offers.pos.checkout import transact, void
from offers.pos.ledger import Lane, add_key, lane_for_key, open_ledger
from offers.pos.messages import ReturnLineIn, VoidIn
from offers.pos.publish import Published, publish
from offers.pos.sync import Synced, sync
from offers.reports.document import write_report
from offers.reports.vendor import vendor_report
from offers.run_summary import summarise, write_summary
from offers.synthetic import DEFAULT_START, GeneratedStore, generate
from offers.synthetic.checkout import lane_day
from offers.warehouse import value

DEMO_HOUSEHOLDS = 2_000
DEMO_WEEKS = 52
DEMO_SEED = 2017
DEMO_MANUFACTURER = 101
"""The synthetic catalogue's Tylenol maker, funder of TYLENOL-Q1: the demo's report."""
DEMO_DEALS = Path("fixtures/store-deals.toml")
"""The synthetic store's deal file, relative to the repository (where `make demo` runs)."""

# What is in the warehouse, table by table. Table names are fixed here, not user input.
_WAREHOUSE_TABLES = (
    "product", "household", "household_contact", "household_card", "scan_line", "deal",
    "quarantine", "ingested_file", "plan_run", "run_household", "shopping_list", "list_line",
    "pos_basket", "redemption",
)  # fmt: skip


@dataclass(frozen=True)
class CheckoutDay:
    """The demo's day at the lanes: what was published, sold, returned and synced."""

    ledger: Path
    published: Published
    sales: int
    discount: Decimal
    returns: int
    synced: Synced


@dataclass(frozen=True)
class DemoResult:
    store: GeneratedStore
    loads: list[LoadResult]
    table_rows: dict[str, int]
    run: PlanResult
    summary: Path
    lists: RenderResult
    checkout: CheckoutDay
    report: Path


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
    ledger: Path | None = None,
) -> DemoResult:
    """Generate the synthetic store into `out/store` and load it; load `deals`; plan the
    list cycle that starts the day after the store's last week and write its summary to
    `out/runs/<run id>/`; render its lists there (lists/ and print/) with `workers`
    processes; publish the run to the ledger at `ledger` (default out/offers.ledger.sqlite)
    and apply a day at the lanes (see `checkout_day`)."""
    ledger = ledger or out / "offers.ledger.sqlite"
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
    if on_stage:
        on_stage("a day at the lanes")
    checkout = checkout_day(con, run.run_id, as_of + dt.timedelta(days=2), ledger)
    if on_stage:
        on_stage("a manufacturer's report")
    last_day = as_of + dt.timedelta(days=Settings().plan.cadence_days - 1)
    found = vendor_report(con, DEMO_MANUFACTURER, as_of, last_day, Settings().reports)
    report = write_report(found, out / "reports" / f"manufacturer-{DEMO_MANUFACTURER}")[0]
    return DemoResult(
        store=store,
        loads=loads,
        table_rows=warehouse_counts(con),
        run=run,
        summary=page,
        lists=lists,
        checkout=checkout,
        report=report,
    )


def checkout_day(
    con: duckdb.DuckDBPyConnection, run_id: str, day: dt.date, ledger_path: Path
) -> CheckoutDay:
    """Publish the run to the ledger, apply a simulated day at the lanes to it (each
    store's lanes with their own key; `offers.synthetic.checkout`), the returns after
    it, and sync the ledger back into the warehouse."""
    ledger = open_ledger(ledger_path)
    published = publish(con, ledger, run_id)
    simulated = lane_day(con, run_id, day)
    keys: dict[int, Lane] = {}
    discount = Decimal(0)
    for request in simulated.transactions:
        if request.store_id not in keys:
            found = lane_for_key(ledger, add_key(ledger, request.store_id, "demo"))
            assert found is not None
            keys[request.store_id] = found
        discount += transact(ledger, keys[request.store_id], request).discount_total
    stores = {r.transaction_id: r.store_id for r in simulated.transactions}
    for transaction_id, index in simulated.returns:
        back = VoidIn(void_id="R1", lines=[ReturnLineIn(index=index, quantity=1)])
        void(ledger, keys[stores[transaction_id]], transaction_id, back)
    synced = sync(con, ledger, ledger_path)
    ledger.close()
    return CheckoutDay(
        ledger_path,
        published,
        len(simulated.transactions),
        discount,
        len(simulated.returns),
        synced,
    )

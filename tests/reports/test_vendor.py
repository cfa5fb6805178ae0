"""A manufacturer's report on a small synthetic store: nothing in it names a household,
and the incremental effect it reports covers one planted in the scans."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pypdfium2
import pytest

from offers.config import ReportSettings, Settings
from offers.deals import load_deals
from offers.engine import plan
from offers.ingest import ingest_file
from offers.pos import add_key, lane_for_key, open_ledger, publish, sync, transact
from offers.reports.document import write_report
from offers.reports.extract import row_extract, write_extract
from offers.reports.vendor import ALL_DEALS, STATES, ReportError, migration_table, vendor_report
from offers.synthetic import DEFAULT_START, generate
from offers.synthetic.checkout import lane_day
from offers.warehouse import connect
from tests.conftest import ROOT

HOUSEHOLDS = 400
WEEKS = 52
AS_OF = DEFAULT_START + dt.timedelta(weeks=WEEKS)
TYLENOL = 101
"""The synthetic catalogue's Tylenol maker; fixtures/store-deals.toml funds TYLENOL-Q1."""
ID_BASE = 7_300_000_000
"""Household ids are moved up here, so that a leaked id cannot pass for a count."""


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse: the synthetic store (ids moved up), its deals, the cycle planned."""
    folder = tmp_path_factory.mktemp("vendor")
    store = generate(folder / "store", households_count=HOUSEHOLDS, weeks=WEEKS, seed=5)
    move = pl.col("household_id") * 7919 + ID_BASE
    pl.read_parquet(store.households).with_columns(move).write_parquet(store.households)
    pl.read_parquet(store.scans).with_columns(move).write_parquet(store.scans)
    db = folder / "offers.duckdb"
    con = connect(db)
    for kind, path in (("products", store.products), ("households", store.households),
                       ("scans", store.scans)):  # fmt: skip
        ingest_file(con, kind, path)
    load_deals(con, ROOT / "fixtures" / "store-deals.toml")
    plan(con, AS_OF, Settings())
    con.close()
    return db


def _copy(planned: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    db = tmp_path / "offers.duckdb"
    shutil.copyfile(planned, db)
    return connect(db)


@pytest.mark.slow
def test_nothing_a_vendor_receives_names_a_household(planned: Path, tmp_path: Path) -> None:
    con = _copy(planned, tmp_path)
    run_id = str(con.execute("SELECT run_id FROM plan_run").fetchall()[0][0])
    ledger = open_ledger(tmp_path / "offers.ledger.sqlite")
    publish(con, ledger, run_id)
    lanes = {}
    for request in lane_day(con, run_id, AS_OF + dt.timedelta(days=2)).transactions:
        if request.store_id not in lanes:
            lanes[request.store_id] = lane_for_key(ledger, add_key(ledger, request.store_id))
        transact(ledger, lanes[request.store_id], request)  # type: ignore[arg-type]
    sync(con, ledger, tmp_path / "offers.ledger.sqlite")
    k = 3  # a low threshold publishes more, which is the harder case for this test
    settings = ReportSettings(min_households=k)
    report = vendor_report(con, TYLENOL, AS_OF, AS_OF + dt.timedelta(days=13), settings)
    written = write_report(report, tmp_path / "report")
    assert report.deals["redeemers"].drop_nulls().len() == 1  # redemptions did reach it
    everything_settings = dataclasses.replace(Settings(), reports=settings)
    extract = row_extract(
        con, TYLENOL, AS_OF, AS_OF + dt.timedelta(days=13), b"s" * 32, everything_settings
    )
    assert extract.rows.height > 100
    written += write_extract(extract, tmp_path / "extract")
    private = set()
    for name, address in con.execute("SELECT name, address FROM household_contact").fetchall():
        private |= {name, address}
    private |= {str(c) for (c,) in con.execute("SELECT card_number FROM household_card").fetchall()}
    ids = [str(h) for (h,) in con.execute("SELECT household_id FROM household").fetchall()]
    private |= set(ids)
    for digest in (hashlib.sha256, hashlib.md5, hashlib.sha1):  # hashed ids, as ids go
        private |= {digest(h.encode()).hexdigest()[:16] for h in ids}
    assert min(int(h) for h in private if h.isdigit() and len(h) == 10) > ID_BASE
    texts = []
    pdf = pypdfium2.PdfDocument(written[0])
    texts += [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    pdf.close()
    for path in written[1:]:
        if path.suffix in (".csv", ".json"):
            texts.append(path.read_text())
        else:
            table = pl.read_parquet(path)
            texts.append(" ".join(str(v) for column in table.iter_columns() for v in column))
            texts.append(" ".join(table.columns))
    everything = "\n".join(texts)
    assert "ANALGESICS" in everything  # the report is there to be read
    leaked = sorted(p for p in private if p and p in everything)
    assert leaked == []
    for table in (report.cells, report.deal_cells):
        assert (table["households"].drop_nulls() >= k).all()


@pytest.mark.slow
def test_the_reported_lift_covers_a_planted_one(planned: Path, tmp_path: Path) -> None:
    con = _copy(planned, tmp_path)
    households = con.execute(
        "SELECT household_id, arm, (SELECT store_id FROM household AS h"
        " WHERE h.household_id = r.household_id) FROM run_household AS r ORDER BY 1"
    ).fetchall()
    found = con.execute("SELECT min(product_id) FROM product WHERE brand = 'Tylenol'")
    tylenol = int(found.fetchall()[0][0])
    rng = np.random.default_rng(11)
    planted_units = 0.6  # a treated household buys 0.6 more units in the window, on average
    scans = []
    for number, (household, arm, store) in enumerate(households):
        units = rng.poisson(0.4) + (rng.binomial(1, planted_units) if arm == "treated" else 0)
        if units:
            at = dt.datetime.combine(
                AS_OF + dt.timedelta(days=int(rng.integers(0, 14))), dt.time(12)
            )
            scans.append((9_000_000 + number, tylenol, household, store, at, int(units),
                          round(6.0 * int(units), 2), False, 0))  # fmt: skip
    con.executemany(
        "INSERT INTO scan_line (basket_id, product_id, household_id, store_id, scanned_at,"
        " quantity, amount_paid, is_return, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        scans,
    )
    report = vendor_report(con, TYLENOL, AS_OF, AS_OF + dt.timedelta(days=13))
    pooled = report.lift.filter(pl.col("deal_id") == ALL_DEALS).row(0, named=True)
    assert pooled["units_low"] <= planted_units <= pooled["units_high"]
    assert pooled["spend_low"] <= 6.0 * planted_units <= pooled["spend_high"]
    assert pooled["units_low"] > 0  # and it is told apart from no effect


@pytest.mark.slow
def test_a_report_for_one_category_keeps_the_deals_reaching_into_it(
    planned: Path, tmp_path: Path
) -> None:
    con = _copy(planned, tmp_path)
    maker = 154  # Tide (laundry detergent) and Charmin (toilet tissue), a deal on each
    last_day = AS_OF + dt.timedelta(days=13)
    everything = vendor_report(con, maker, AS_OF, last_day)
    assert everything.deals["deal_id"].to_list() == ["CHARMIN-SWITCHERS", "TIDE-WINTER"]
    laundry = vendor_report(con, maker, AS_OF, last_day, only=["LAUNDRY DETERGENT"])
    assert laundry.categories == ["LAUNDRY DETERGENT"]
    assert set(laundry.cells["category"]) == {"LAUNDRY DETERGENT"}
    assert laundry.deals["deal_id"].to_list() == ["TIDE-WINTER"]
    assert set(laundry.lift["deal_id"]) <= {"TIDE-WINTER", ALL_DEALS}
    with pytest.raises(ReportError, match="makes nothing in CAT FOOD; its categories: "):
        vendor_report(con, maker, AS_OF, last_day, only=["CAT FOOD"])


def test_no_flow_of_the_migration_table_can_be_worked_out_from_segment_totals() -> None:
    """Store-loyal at the end: 91 stayed, 15 were unsegmented, 3 came from the switchers,
    and the cells table publishes the 109. With the zero flows left out, a reader would
    get the 3 by subtraction; every flow has its row, so the 3 hides among the zeros."""
    before, after = [], []
    flows = [("national", "national", 164), ("switcher", "switcher", 151),
             ("switcher", "store", 3), ("store", "store", 91), ("unsegmented", "store", 15),
             ("store", "switcher", 10), ("unsegmented", "national", 27)]  # fmt: skip
    household = 0
    for start, end, count in flows:
        for _ in range(count):
            household += 1
            before.append({"household_id": household, "category": "A", "brand_segment": start})
            after.append({"household_id": household, "category": "A", "brand_segment": end})
    table = migration_table(pl.DataFrame(before), pl.DataFrame(after), ["A"], 10)
    assert table.height == len(STATES) ** 2 - 1  # every flow but not buying -> not buying
    into_store = table.filter(pl.col("to_segment") == "store")
    assert into_store["households"].drop_nulls().sum() == 91 + 15
    assert into_store["households"].null_count() >= 2  # the 3 and at least one zero

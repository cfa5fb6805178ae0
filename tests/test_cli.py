"""The `offers` command as staff use it: messages, summaries and exit codes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from offers.cli import app
from tests.conftest import BROKEN, TINY

runner = CliRunner()


def _offers(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "offers.duckdb"


def test_ingest_prints_a_summary_and_loading_again_adds_nothing(db: Path) -> None:
    code, out = _offers(db, "ingest", "products", str(TINY / "products.csv"))
    assert code == 0
    assert "Load summary" in out
    assert "13" in out
    code, out = _offers(db, "ingest", "products", str(TINY / "products.csv"))
    assert code == 0
    assert "already loaded" in out


def test_quarantined_rows_are_summarised_with_their_reasons(db: Path) -> None:
    for kind in ("products", "households", "scans"):
        _offers(db, "ingest", kind, str(TINY / f"{kind}.csv"))
    code, out = _offers(db, "ingest", "scans", str(BROKEN / "scans_bad_rows.csv"))
    assert code == 0
    assert "unparseable value 3" in out
    assert "row 3: the quantity 'two' is not a whole number of units" in out
    code, out = _offers(db, "quarantine", "--limit", "100")
    assert code == 0
    assert "1985-06-01" in out


def test_a_file_that_cannot_be_read_exits_2_naming_it(db: Path) -> None:
    code, out = _offers(db, "ingest", "scans", str(BROKEN / "scans_missing_column.csv"))
    assert code == 2
    assert "scans_missing_column.csv" in out
    assert "has no column 'quantity'" in out


def test_nothing_loadable_exits_1(db: Path, tmp_path: Path) -> None:
    scans = tmp_path / "orphans.csv"
    scans.write_text(
        "basket_id,household_id,store_id,timestamp,product_id,quantity,amount_paid\n"
        "1,1,1,2017-01-01 10:00:00,1,1,1.00\n"
    )
    code, out = _offers(db, "ingest", "scans", str(scans))
    assert code == 1
    assert "no row could be loaded" in out


def test_fixtures_generate_writes_the_store(db: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "store"
    code, out = _offers(
        db, "fixtures", "generate", "--households", "50", "--weeks", "4", "--out", str(out_dir)
    )
    assert code == 0
    assert "wrote 50 households" in out
    assert (out_dir / "scans.parquet").exists()
    assert (out_dir / "truth_categories.parquet").exists()


def test_demo_generates_loads_and_summarises(db: Path, tmp_path: Path) -> None:
    code, out = _offers(db, "demo", "--out", str(tmp_path / "out"))
    assert code == 0
    assert "scan_line" in out
    assert (tmp_path / "out" / "store" / "scans.parquet").exists()
    assert "planned run 2017-12-31-seed1" in out
    assert (tmp_path / "out" / "runs" / "2017-12-31-seed1" / "summary.html").exists()
    assert "printed 1,492 lists" in out
    assert (tmp_path / "out" / "runs" / "2017-12-31-seed1" / "print" / "store-1.pdf").exists()


@pytest.fixture
def tiny_db(db: Path) -> Path:
    for kind in ("products", "households", "scans"):
        _offers(db, "ingest", kind, str(TINY / f"{kind}.csv"))
    return db


def test_segments_of_a_category_print_the_matrix_and_draw_it(tiny_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "analgesics.parquet"
    code, text = _offers(
        tiny_db, "segments", "--as-of", "2017-03-29", "--category", "ANALGESICS", "--out", str(out)
    )
    assert code == 0
    assert "1 / 4 / $36.00" in text  # national, medium usage: household 1
    frame = pl.read_parquet(out)
    assert frame["household_id"].to_list() == [1, 2, 3]
    assert out.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"


def test_an_unknown_category_suggests_a_near_one(tiny_db: Path) -> None:
    code, text = _offers(tiny_db, "segments", "--as-of", "2017-03-29", "--category", "ANALGESIC")
    assert code == 1
    assert "did you mean ANALGESICS" in text


def test_a_bad_date_is_named(tiny_db: Path) -> None:
    code, text = _offers(tiny_db, "segments", "--as-of", "2017-02-30")
    assert code == 2
    assert "not a date" in text


def test_households_writes_tiers_and_counts_the_eligible(tiny_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "households.parquet"
    code, text = _offers(tiny_db, "households", "--as-of", "2017-03-29", "--out", str(out))
    assert code == 0
    assert "2 of 5 households spend more than $25.00 a week" in text
    assert pl.read_parquet(out).columns == [
        "household_id",
        "spend_52w",
        "weekly_spend_8w",
        "tier",
        "eligible",
        "opted_out",
    ]


def test_migrate_prints_the_flow_table(tiny_db: Path) -> None:
    code, text = _offers(
        tiny_db,
        "segments",
        "migrate",
        "--from",
        "2017-03-01",
        "--to",
        "2017-03-29",
        "--category",
        "ANALGESICS",
    )
    assert code == 0
    assert "unsegmented" in text
    assert "not buying" in text


def test_cycles_predict_and_show(tiny_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "predictions.parquet"
    code, text = _offers(tiny_db, "cycles", "predict", "--as-of", "2017-03-29", "--out", str(out))
    assert code == 0
    assert "wrote 18 household x product predictions" in text
    assert {"household_id", "item_id", "p_buy", "expected_date"} <= set(
        pl.read_parquet(out).columns
    )
    chart = tmp_path / "timeline.png"
    code, text = _offers(
        tiny_db, "cycles", "show", "1", "--as-of", "2017-03-29", "--chart", str(chart)
    )
    assert code == 0
    assert "Tylenol" in text
    assert chart.read_bytes()[:4] == b"\x89PNG"
    code, text = _offers(tiny_db, "cycles", "show", "99", "--as-of", "2017-03-29")
    assert code == 1
    assert "household 99 bought nothing" in text


def test_evaluate_cycles_prints_every_model(tiny_db: Path, tmp_path: Path) -> None:
    chart = tmp_path / "reliability.png"
    code, text = _offers(
        tiny_db,
        "evaluate",
        "cycles",
        "--as-of",
        "2017-03-08,2017-03-15",
        "--horizon",
        "7",
        "--chart",
        str(chart),
    )
    assert code == 0
    for model in ("P-TopFreq", "Poisson-Gamma", "G-TopFreq"):
        assert model in text
    assert "Recall@10 against P-TopFreq" in text
    assert chart.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "command",
    [
        ["segments", "--as-of", "2017-03-29"],
        ["households", "--as-of", "2017-03-29"],
        ["cycles", "predict", "--as-of", "2017-03-29", "--out", "never.parquet"],
        ["evaluate", "cycles", "--as-of", "2017-03-01"],
        ["plan", "--as-of", "2017-03-29"],
    ],
)
def test_an_empty_warehouse_is_named_not_a_crash(db: Path, command: list[str]) -> None:
    code, text = _offers(db, *command)
    assert code == 1
    assert "holds no scan line before" in text


def test_deals_load_and_list(tiny_db: Path, tmp_path: Path) -> None:
    code, out = _offers(tiny_db, "deals", "load", str(TINY / "deals.csv"))
    assert code == 0
    assert "Load summary" in out
    code, out = _offers(tiny_db, "deals", "list", "--on", "2017-04-01")
    assert code == 0
    assert "TYLENOL-150" in out
    assert "$1.50 off" in out
    assert "conversion:" in out
    assert "WONDER-WINTER" not in out  # over by 2017-03-01
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "deal_id,scope_kind,scope_value,offer_kind,offer_value,valid_from,valid_to\n"
        "X,aisle,7,amount_off,1,2017-03-01,2017-03-31\n"
    )
    code, out = _offers(tiny_db, "deals", "load", str(bad))
    assert code == 1
    assert "the scope kind 'aisle' is not product, brand or category" in out


def test_plan_prints_the_summary_writes_it_and_does_not_plan_twice(
    tiny_db: Path, tmp_path: Path
) -> None:
    code, out = _offers(tiny_db, "plan", "--as-of", "2017-03-29")
    assert code == 1
    assert "no deal runs between 2017-03-29 and 2017-04-11" in out
    _offers(tiny_db, "deals", "load", str(TINY / "deals.csv"))
    folder = tmp_path / "run"
    code, out = _offers(tiny_db, "plan", "--as-of", "2017-03-29", "--out", str(folder))
    assert code == 0
    assert "2 households eligible, 2 treated, 0 held out; 2 lists, 8 lines" in out
    assert "TYLENOL-150" in out
    assert "<h1>List cycle 2017-03-29-seed1</h1>" in (folder / "summary.html").read_text()
    code, out = _offers(tiny_db, "plan", "--as-of", "2017-03-29", "--out", str(folder))
    assert code == 0
    assert "already planned; nothing changed" in out
    code, out = _offers(tiny_db, "evaluate", "plan", "--as-of", "2017-03-29")
    assert code == 1
    assert "no scan between 2017-03-29 and 2017-04-11" in out
    code, out = _offers(tiny_db, "evaluate", "plan", "--as-of", "2017-03-29", "--seed", "4")
    assert code == 1
    assert "no run '2017-03-29-seed4'" in out


def test_render_prints_where_the_lists_went_and_names_what_is_wrong(
    tiny_db: Path, tmp_path: Path
) -> None:
    _offers(tiny_db, "deals", "load", str(TINY / "deals.csv"))
    _offers(tiny_db, "plan", "--as-of", "2017-03-29", "--out", str(tmp_path / "run"))
    code, out = _offers(tiny_db, "render", "2017-03-29-seed2")
    assert code == 1
    assert "no run '2017-03-29-seed2'; runs: 2017-03-29-seed1" in out
    folder = tmp_path / "lists"
    code, out = _offers(
        tiny_db, "render", "2017-03-29-seed1", "--out", str(folder), "--workers", "1"
    )
    assert code == 0
    assert "2 lists in" in out
    assert "2 rendered now, 0 already there" in " ".join(out.split())
    assert (folder / "print" / "store-1.pdf").exists()
    code, out = _offers(tiny_db, "render", "2017-03-29-seed1", "--out", str(folder))
    assert "0 rendered now, 2 already there" in " ".join(out.split())
    code, out = _offers(
        tiny_db, "render", "2017-03-29-seed1", "--out", str(folder), "--paper", "a4"
    )
    assert code == 1
    assert "rendered differently (paper changed)" in " ".join(out.split())
    code, out = _offers(tiny_db, "render", "2017-03-29-seed1", "--paper", "legal")
    assert code == 1
    assert "page size 'legal' is not one of letter, a4" in " ".join(out.split())


def test_the_checkout_commands_publish_look_up_replay_and_sync(
    tiny_db: Path, tmp_path: Path
) -> None:
    from offers.barcodes import list_payload
    from tests.pos.conftest import HAND_CHECKED, basket

    _offers(tiny_db, "deals", "load", str(TINY / "deals.csv"))
    _offers(tiny_db, "plan", "--as-of", "2017-03-29", "--out", str(tmp_path / "run"))
    code, out = _offers(tiny_db, "pos", "publish", "2017-03-29-seed1")
    assert code == 0
    assert "published run 2017-03-29-seed1: 2 lists, 5 offers" in " ".join(out.split())
    assert (tmp_path / "offers.ledger.sqlite").exists()  # beside the warehouse
    code, out = _offers(tiny_db, "pos", "lookup", list_payload(100000001), "--day", "2017-04-01")
    assert code == 0
    assert "TYLENOL-150" in out
    assert "$1.50 off" in out
    code, out = _offers(tiny_db, "pos", "lookup", "4000000000999")
    assert code == 1
    assert "no published list or card has this number" in out
    lane_file = tmp_path / "lane-3.jsonl"
    good = basket("L3-1", HAND_CHECKED).model_dump_json()
    bad = good.replace('"L3-1"', '"L3-2"').replace('"quantity":1', '"quantity":0', 1)
    lane_file.write_text("\n".join([good, bad, good]) + "\n")
    code, out = _offers(tiny_db, "pos", "replay", str(lane_file))
    assert code == 1
    assert "applied 1, already applied 1, refused 1" in out
    assert "lane-3.jsonl:2: lines.0.quantity: Input should be greater than or equal to 1" in (
        " ".join(out.split())
    )
    assert '"line": 2' in (tmp_path / "lane-3.jsonl.rejected.jsonl").read_text()
    code, out = _offers(tiny_db, "pos", "sync")
    assert "synced 1 sales and 0 voids: 4 scan lines, 3 redemption entries ($4.50 off)" in (
        " ".join(out.split())
    )
    code, out = _offers(tiny_db, "pos", "sync")
    assert "synced 0 sales" in out
    code, out = _offers(tiny_db, "pos", "key", "add", "--store", "1")
    assert code == 0
    assert len(out.strip()) >= 32


def test_report_vendor_and_the_extract_that_is_off_until_the_store_says(
    tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _offers(tiny_db, "deals", "load", str(TINY / "deals.csv"))
    _offers(tiny_db, "plan", "--as-of", "2017-03-29")
    period = ["--manufacturer", "1", "--from", "2017-03-29", "--to", "2017-04-11"]
    code, out = _offers(tiny_db, "report", "vendor", *period, "--out", "rep")
    assert code == 0
    assert "report for manufacturer 1 (ANALGESICS)" in out
    assert (tmp_path / "rep" / "report.pdf").exists()
    code, out = _offers(tiny_db, "report", "vendor", *period, "--out", "rep", "--category", "MILK")
    assert code == 1
    assert "manufacturer 1 makes nothing in MILK; its categories: ANALGESICS" in out
    code, out = _offers(tiny_db, "report", "extract", *period, "--out", "extract")
    assert code == 2
    assert "row-level extracts are off" in out
    assert not (tmp_path / "extract").exists()
    (tmp_path / "offers.toml").write_text("[reports]\nrow_extract = true\nmin_households = 1\n")
    code, out = _offers(tiny_db, "report", "extract", *period, "--out", "extract")
    assert code == 0, out
    assert "3 rows in extract" in out
    assert (tmp_path / "extract" / "manifest.json").exists()
    assert (tiny_db.with_name("offers.extract-secret")).exists()
    con = duckdb.connect(str(tiny_db), read_only=True)
    assert con.execute("SELECT manufacturer_id, row_count FROM vendor_extract").fetchall() == [
        (1, 3)
    ]
    con.close()


@pytest.mark.parametrize(
    "command", [["pos", "sync"], ["pos", "lookup", "4000000000011"], ["pos", "replay", "x.jsonl"]]
)
def test_reading_a_ledger_that_is_not_there_says_so_and_makes_none(
    tiny_db: Path, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "x.jsonl").write_text("")
    code, out = _offers(tiny_db, *[str(tmp_path / c) if c.endswith(".jsonl") else c
                                   for c in command])  # fmt: skip
    assert code == 2
    assert f"no ledger at {tmp_path / 'offers.ledger.sqlite'}: publish a run" in " ".join(
        out.split()
    )
    assert not (tmp_path / "offers.ledger.sqlite").exists()

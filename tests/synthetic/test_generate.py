"""The synthetic store: reproducible bytes, sound schemas, the planted truth visible in scans."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from offers.ingest import ingest_file
from offers.synthetic import BATCH_HOUSEHOLDS, generate
from offers.warehouse import connect
from tests.conftest import scalar

FILES = (
    "products.parquet",
    "households.parquet",
    "scans.parquet",
    "truth_households.parquet",
    "truth_categories.parquet",
)


def _digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", households_count=300, weeks=8, seed=5)
    second = generate(tmp_path / "b", households_count=300, weeks=8, seed=5)
    third = generate(tmp_path / "c", households_count=300, weeks=8, seed=6)
    assert _digests(first.folder) == _digests(second.folder)
    assert _digests(first.folder)["scans.parquet"] != _digests(third.folder)["scans.parquet"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, households_count=BATCH_HOUSEHOLDS + 700, weeks=52, seed=11)
    return folder


def test_the_store_has_about_thirty_categories_with_both_brand_types(store: Path) -> None:
    products = pl.read_parquet(store / "products.parquet")
    kinds = products.group_by("category").agg(pl.col("brand_type").n_unique())
    assert 28 <= kinds.height <= 40
    assert (kinds["brand_type"] == 2).all()
    for needed in ("ANALGESICS", "DOG FOOD", "DIAPERS", "BANANAS", "MILK", "BREAD"):
        assert needed in kinds["category"].to_list()


def test_households_span_batches_and_are_numbered_once(store: Path) -> None:
    households = pl.read_parquet(store / "households.parquet")
    assert households.height == BATCH_HOUSEHOLDS + 700
    assert households["household_id"].to_list() == list(range(1, households.height + 1))
    assert households["card_numbers"].n_unique() == households.height
    assert households["name"].str.contains(r"[\u4e00-\u9fff]").any()


def test_scans_load_cleanly_one_line_per_basket_and_product(store: Path, tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    for kind in ("products", "households", "scans"):
        result = ingest_file(con, kind, store / f"{kind}.parquet")
        assert result.rows_quarantined == 0, result.examples
    lines = scalar(con, "SELECT count(*) FROM scan_line")
    assert isinstance(lines, int)
    assert lines > 200 * (BATCH_HOUSEHOLDS + 700)
    first, last = con.execute(
        "SELECT min(scanned_at), max(scanned_at) FROM scan_line"
    ).fetchone() or (None, None)
    assert str(first) >= "2017-01-01"
    assert str(last) < "2018-01-01"


def test_planted_loyalty_shows_in_the_scans(store: Path) -> None:
    scans = pl.read_parquet(store / "scans.parquet")
    products = pl.read_parquet(store / "products.parquet")
    truth = pl.read_parquet(store / "truth_categories.parquet")
    shares = (
        scans.join(products, on="product_id")
        .group_by("household_id", "category")
        .agg(
            national=(pl.col("quantity") * (pl.col("brand_type") == "national")).sum(),
            units=pl.col("quantity").sum(),
            occasions=pl.col("basket_id").n_unique(),
        )
        .with_columns(share=pl.col("national") / pl.col("units"))
        .join(truth, on=["household_id", "category"])
        .filter(pl.col("occasions") >= 4)
    )
    mean_share = dict(shares.group_by("loyalty").agg(pl.col("share").mean()).iter_rows())
    assert mean_share["national"] > 0.95
    assert mean_share["store"] < 0.05
    assert 0.35 < mean_share["switcher"] < 0.65


def test_planted_usage_ranks_units_bought(store: Path) -> None:
    scans = pl.read_parquet(store / "scans.parquet")
    products = pl.read_parquet(store / "products.parquet")
    truth = pl.read_parquet(store / "truth_categories.parquet")
    units = (
        scans.join(products, on="product_id")
        .group_by("household_id", "category")
        .agg(pl.col("quantity").sum())
        .join(truth, on=["household_id", "category"])
        .group_by("usage")
        .agg(pl.col("quantity").median())
    )
    median = dict(units.iter_rows())
    assert median["low"] < median["medium"] < median["high"]


def test_planted_cycle_matches_the_gaps_between_purchases(store: Path) -> None:
    scans = pl.read_parquet(store / "scans.parquet")
    products = pl.read_parquet(store / "products.parquet")
    truth = pl.read_parquet(store / "truth_categories.parquet")
    gaps = (
        scans.join(products, on="product_id")
        .group_by("household_id", "category", "basket_id")
        .agg(pl.col("timestamp").min())
        .sort("household_id", "category", "timestamp")
        .with_columns(
            gap=pl.col("timestamp").diff().over("household_id", "category").dt.total_days()
        )
        .group_by("household_id", "category")
        .agg(pl.col("gap").mean(), pl.len())
        .filter(pl.col("len") >= 8)
        .join(truth, on=["household_id", "category"])
    )
    ratio = gaps.select((pl.col("gap") / pl.col("mean_gap_days")).median()).item()
    assert 0.8 < ratio < 1.3


def test_csv_format_holds_the_same_lines(tmp_path: Path) -> None:
    parquet = generate(tmp_path / "p", households_count=200, weeks=4, seed=9)
    csv = generate(tmp_path / "c", households_count=200, weeks=4, seed=9, fmt="csv")
    a = pl.read_parquet(parquet.scans)
    b = pl.read_csv(csv.scans, try_parse_dates=True)
    assert a.height == b.height == parquet.scan_lines
    assert a["basket_id"].to_list() == b["basket_id"].to_list()


def test_bad_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(tmp_path, households_count=0, weeks=52, seed=1)

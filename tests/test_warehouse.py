"""The warehouse file: creation, schema versions, forward migrations."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from offers import warehouse
from tests.conftest import scalar


def test_new_warehouse_is_at_the_newest_version(tmp_path: Path) -> None:
    con = warehouse.connect(tmp_path / "w.duckdb")
    assert warehouse.schema_version(con) == warehouse.migrations()[-1].version
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {"product", "household", "household_contact", "household_card", "scan_line"} <= tables
    assert {"deal", "quarantine", "ingested_file", "campaign", "coupon_redemption"} <= tables


def test_migrations_are_numbered_one_by_one() -> None:
    versions = [m.version for m in warehouse.migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_an_older_warehouse_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    assert [m.version for m in warehouse.migrate(old, upto=1)] == [1]
    old.execute("INSERT INTO product (product_id, brand_type) VALUES (1, 'national')")
    old.close()

    con = warehouse.connect(path)
    assert warehouse.schema_version(con) == warehouse.migrations()[-1].version
    assert scalar(con, "SELECT count(*) FROM product") == 1
    assert scalar(con, "SELECT count(*) FROM household_demographics") == 0
    con.close()
    # Opening again applies nothing more.
    again = duckdb.connect(str(path))
    assert warehouse.migrate(again) == []


def test_a_warehouse_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    con = warehouse.connect(path)
    con.execute("INSERT INTO schema_version VALUES (999, 'future', current_timestamp)")
    con.close()
    with pytest.raises(warehouse.WarehouseError, match="newer version of offers"):
        warehouse.connect(path)


def test_path_comes_from_argument_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(warehouse.DB_ENV_VAR, raising=False)
    assert warehouse.resolve_path(None) == Path("offers.duckdb")
    monkeypatch.setenv(warehouse.DB_ENV_VAR, "/data/chain.duckdb")
    assert warehouse.resolve_path(None) == Path("/data/chain.duckdb")
    assert warehouse.resolve_path("here.duckdb") == Path("here.duckdb")


def test_read_only_open_of_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(warehouse.WarehouseError, match="no warehouse"):
        warehouse.connect(tmp_path / "none.duckdb", read_only=True)

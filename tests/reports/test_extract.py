"""The row-level extract: pseudonyms new to each extract, coarse fields, k alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import stat
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offers.config import ReportSettings, Settings
from offers.reports.extract import (
    FIELDS,
    UNIT_BANDS,
    ExtractError,
    _banded,
    k_households,
    pseudonym,
    row_extract,
    store_secret,
    write_extract,
)
from tests.conftest import TINY_AS_OF

SECRET = bytes(range(32))
TYLENOL = 1
"""The tiny store's Tylenol maker (ANALGESICS)."""
LAST_DAY = TINY_AS_OF + dt.timedelta(days=13)


def _every_row(k: int = 1) -> Settings:
    return dataclasses.replace(Settings(), reports=ReportSettings(min_households=k))


def test_the_tiny_stores_analgesic_buyers_under_pseudonyms(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    made = row_extract(
        tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row(), extract_id="e1"
    )
    assert made.categories == ["ANALGESICS"]
    assert list(made.rows.columns) == list(FIELDS)
    expected = {pseudonym(SECRET, "e1", h): h for h in (1, 2, 3, 4, 5)}
    found = dict(zip(made.rows["household"], made.rows["brand_segment"], strict=True))
    # fixtures/tiny/ANSWERS.md: household 1 national, 2 store, 3 switcher; 4 and 5 bought
    # no analgesic and carry no Tylenol deal
    assert {expected[p]: segment for p, segment in found.items()} == {
        1: "national", 2: "store", 3: "switcher",
    }  # fmt: skip
    assert made.rows["household"].to_list() == sorted(found)  # order says nothing of ids
    assert set(made.rows["arm"]) <= {"treated", "holdout", "not planned"}
    assert made.rows_left_out == 0


def test_each_extract_has_its_own_pseudonyms(tiny_run: duckdb.DuckDBPyConnection) -> None:
    first = row_extract(tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row())
    second = row_extract(tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row())
    assert first.extract_id != second.extract_id
    assert not set(first.rows["household"]) & set(second.rows["household"])
    other_store = row_extract(
        tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, b"another store's secret!!", _every_row(),
        extract_id=first.extract_id,
    )  # fmt: skip
    assert not set(first.rows["household"]) & set(other_store.rows["household"])
    assert (
        first.rows.drop("household")
        .sort(pl.all())
        .equals(second.rows.drop("household").sort(pl.all()))
    )


def test_nothing_in_the_files_is_an_id_or_a_plain_hash_of_one(
    tiny_run: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    made = row_extract(tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row())
    written = write_extract(made, tmp_path / "extract")
    assert [p.name for p in written] == ["extract.csv", "extract.parquet", "manifest.json"]
    text = written[0].read_text() + written[2].read_text()
    text += " ".join(str(v) for c in pl.read_parquet(written[1]).iter_columns() for v in c)
    private = []
    for (household,) in tiny_run.execute("SELECT household_id FROM household").fetchall():
        raw = str(household).encode()
        private += [hashlib.sha256(raw).hexdigest()[:16], hashlib.md5(raw).hexdigest()[:16]]
    for (card,) in tiny_run.execute("SELECT card_number FROM household_card").fetchall():
        private.append(card)
    for name, address in tiny_run.execute("SELECT name, address FROM household_contact").fetchall():
        private += [name, address]
    assert [p for p in private if p in text] == []
    assert not any(p.name.endswith(".part") for p in (tmp_path / "extract").iterdir())


def test_rows_fewer_than_k_alike_lose_fields_then_go(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    every = row_extract(tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row(1))
    two = row_extract(tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row(2))
    # three buyers, each in a brand segment of its own (a field never hidden): none is
    # like another, so none is published
    assert every.rows.height == 3
    assert two.rows.height == 0
    assert two.rows_left_out == 3


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ab"), st.sampled_from("xyz"), st.sampled_from("pq")),
        max_size=40,
    ),
    st.integers(1, 6),
)
def test_k_households_only_hides_and_leaves_every_row_with_k_alike(
    values: list[tuple[str, str, str]], k: int
) -> None:
    rows = pl.DataFrame(
        {name: ["c"] * len(values) for name in FIELDS}
        | {"household": [f"h{i}" for i in range(len(values))]}
        | {
            "tier": [v[0] for v in values],
            "spend": [v[1] for v in values],
            "arm": [v[2] for v in values],
        },
        schema=dict.fromkeys(FIELDS, pl.String),
    )
    kept = k_households(rows, k)
    keys = [name for name in FIELDS if name != "household"]
    assert (kept.group_by(keys).len()["len"] >= k).all()
    before = {r["household"]: r for r in rows.iter_rows(named=True)}
    for row in kept.iter_rows(named=True):
        original = before[row["household"]]
        assert all(row[f] in (None, original[f]) for f in FIELDS)
    # category and brand segment are the same in every row here, so the rows left out
    # are those still fewer than k once every field that can be hidden is
    assert rows.height - kept.height < k


def test_bands() -> None:
    units = pl.Series([0, 1, 2, 3, 4, 7, 8, 15, 16, 400, -2])
    banded = units.to_frame("u").select(_banded(pl.col("u"), UNIT_BANDS, "{}", 1))
    assert banded.to_series().to_list() == [
        "0", "1", "2-3", "2-3", "4-7", "4-7", "8-15", "8-15", "16+", "16+", "0",
    ]  # fmt: skip


def test_the_store_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "offers.extract-secret"
    made = store_secret(path)
    assert len(made) == 32
    assert store_secret(path) == made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("abcd\n")
    with pytest.raises(ExtractError, match="shorter than 16 bytes"):
        store_secret(path)
    with pytest.raises(ExtractError, match="cannot make the extract secret"):
        store_secret(tmp_path / "no such folder" / "secret")


def test_a_household_that_opted_out_has_no_row(tiny_run: duckdb.DuckDBPyConnection) -> None:
    tiny_run.execute("UPDATE household SET opted_out = true WHERE household_id = 3")
    made = row_extract(
        tiny_run, TYLENOL, TINY_AS_OF, LAST_DAY, SECRET, _every_row(), extract_id="e2"
    )
    assert pseudonym(SECRET, "e2", 3) not in set(made.rows["household"])
    assert made.rows.height == 2  # households 1 and 2

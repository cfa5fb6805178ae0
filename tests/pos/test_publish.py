"""Publishing a run's lists to the live ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from offers.pos.ledger import LedgerError, open_ledger
from offers.pos.publish import publish, published_runs
from offers.runs import RunNotFoundError
from tests.conftest import TINY_RUN
from tests.pos.conftest import Published


def _dump(published: Published) -> list[tuple[object, ...]]:
    tables = ["list", "offer", "deal_product", "card"]
    return [
        row for t in tables for row in published.ledger.execute(f"SELECT * FROM {t} ORDER BY 1, 2")
    ]


def test_the_lanes_get_offer_lines_scopes_and_hashed_cards(published: Published) -> None:
    ledger = published.ledger
    assert ledger.execute(
        "SELECT list_id, household_id, store_id FROM list ORDER BY 1"
    ).fetchall() == [
        (100000001, 1, 1),
        (100000002, 2, 1),
    ]
    offers = ledger.execute("SELECT list_id, line_number, deal_id, item FROM offer ORDER BY 1, 2")
    assert offers.fetchall() == [
        (100000001, 1, "TYLENOL-150", "Tylenol Extra Strength Caplets 100ct"),
        (100000001, 2, "DEANS-MILK", "Dean's Whole Milk 1 gal"),
        (100000001, 3, "BEEF-200", "Dick's Ground Beef 80/20 2 lb"),
        (100000002, 1, "DICKS-MILK", "Dick's Whole Milk 1 gal"),
        (100000002, 2, "PAMPERS-TRIAL", "Pampers Swaddlers Size 1 84ct"),
    ]  # the reminders (no deal) stay on paper
    scope = ledger.execute("SELECT deal_id, product_id FROM deal_product ORDER BY 1, 2").fetchall()
    assert scope == [
        ("BEEF-200", 701),
        ("DEANS-MILK", 201),
        ("DICKS-MILK", 202),
        ("PAMPERS-TRIAL", 401),
        ("TYLENOL-150", 101),
    ]
    assert ledger.execute("SELECT count(*) FROM card").fetchone() == (6,)
    ledger.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = published.path.read_bytes()
    assert b"4000000000029" not in data
    assert "王芳".encode() not in data
    assert [r[0] for r in published_runs(ledger)] == [TINY_RUN]


def test_publishing_again_changes_nothing(published: Published) -> None:
    before = _dump(published)
    again = publish(published.warehouse, published.ledger, TINY_RUN)
    assert (again.lists, again.offers) == (2, 5)
    assert _dump(published) == before


def test_an_unknown_run_is_refused_by_name(published: Published) -> None:
    with pytest.raises(RunNotFoundError, match=f"no run '2017-01-01-seed9'; runs: {TINY_RUN}"):
        publish(published.warehouse, published.ledger, "2017-01-01-seed9")


def test_a_ledger_that_cannot_be_made_is_refused_by_path(tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    with pytest.raises(LedgerError, match=r"a file/offers\.ledger\.sqlite: cannot open the ledger"):
        open_ledger(blocked / "offers.ledger.sqlite")

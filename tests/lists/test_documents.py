"""A run's lists as documents: the tiny store's two lists, checked by hand."""

from __future__ import annotations

import duckdb
import pytest

from offers.barcodes import ListCode, OfferCode, parse_payload
from offers.config import ListSettings
from offers.lists.documents import list_documents
from offers.runs import RunNotFoundError
from tests.conftest import TINY_RUN


def test_the_tiny_lists_carry_the_household_card_and_lines_in_store_walk_order(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    first, second = list_documents(tiny_run, TINY_RUN, ListSettings())
    # Delivery order: store 1, postal code 53913 for both, then household id.
    assert (first.household_id, first.name, first.card_number) == (
        1, "Anna Kowalski", "4000000000011",
    )  # fmt: skip
    # Household 2 has two cards; the lowest number is printed.
    assert (second.household_id, second.name, second.card_number) == (
        2, "王芳", "4000000000029",
    )  # fmt: skip
    # Store walk: produce, bakery, deli, meat, seafood, dairy, frozen, grocery, ... drug.
    assert [(d.name, [line.line_number for line in d.lines]) for d in first.departments] == [
        ("MEAT", [3]), ("DAIRY", [2]), ("GROCERY", [4]), ("DRUG GM", [1]),
    ]  # fmt: skip
    assert [(d.name, [line.line_number for line in d.lines]) for d in second.departments] == [
        ("MEAT", [4]), ("DAIRY", [1]), ("BABY", [2, 3]),
    ]  # fmt: skip
    # expected_lists.csv: 1.50 + 0.50 x 2 + 2.00 = 4.50; 0.40 + 3.00 = 3.40.
    assert (first.face_value, second.face_value) == (4.5, 3.4)
    assert (first.valid_from.isoformat(), first.valid_to.isoformat()) == (
        "2017-03-29", "2017-04-11",
    )  # fmt: skip


def test_every_offer_has_a_barcode_naming_its_line_and_reminders_have_none(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    for doc in list_documents(tiny_run, TINY_RUN, ListSettings()):
        assert parse_payload(doc.payload) == ListCode(doc.list_id)
        for line in doc.lines:
            if line.deal_id is None:
                assert line.payload is None
            else:
                assert line.payload is not None
                assert parse_payload(line.payload) == OfferCode(doc.list_id, line.line_number)


def test_departments_outside_the_walk_follow_it_alphabetically(
    tiny_run: duckdb.DuckDBPyConnection,
) -> None:
    settings = ListSettings(store_walk=("DRUG GM",))
    first, second = list_documents(tiny_run, TINY_RUN, settings)
    assert [d.name for d in first.departments] == ["DRUG GM", "DAIRY", "GROCERY", "MEAT"]
    assert [d.name for d in second.departments] == ["BABY", "DAIRY", "MEAT"]


def test_an_unknown_run_is_named(tiny_run: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RunNotFoundError, match="no run 'nope'; runs: 2017-03-29-seed1"):
        list_documents(tiny_run, "nope", ListSettings())

"""List and offer barcode payloads: they round-trip, and the check digit catches a slip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offers.barcodes import (
    BarcodeError,
    ListCode,
    OfferCode,
    check_digit,
    list_payload,
    offer_payload,
    parse_payload,
)

list_ids = st.integers(min_value=0, max_value=10**12 - 1)
line_numbers = st.integers(min_value=0, max_value=99)


def test_the_check_digit_is_gs1s() -> None:
    # Published GS1 examples: EAN-13 4006381333931 and UPC-A 036000291452.
    assert check_digit("400638133393") == "1"
    assert check_digit("03600029145") == "2"


def test_a_list_payload_is_14_digits_with_the_list_id_inside() -> None:
    assert list_payload(100000001) == "1000100000001" + check_digit("1000100000001")
    assert len(list_payload(10**12 - 1)) == 14


@given(list_ids)
def test_every_list_payload_round_trips(list_id: int) -> None:
    assert parse_payload(list_payload(list_id)) == ListCode(list_id)


@given(list_ids, line_numbers)
def test_every_offer_payload_round_trips(list_id: int, line: int) -> None:
    payload = offer_payload(list_id, line)
    assert len(payload) == 16
    assert parse_payload(payload) == OfferCode(list_id, line)


@given(list_ids, line_numbers, st.data())
def test_any_one_digit_keyed_wrong_is_caught(list_id: int, line: int, data: st.DataObject) -> None:
    payload = offer_payload(list_id, line)
    position = data.draw(st.integers(min_value=1, max_value=len(payload) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != payload[position]]))
    with pytest.raises(BarcodeError, match="check digit"):
        parse_payload(payload[:position] + wrong + payload[position + 1 :])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("12345abc", "not all digits"),
        ("", "not all digits"),
        ("3000100000001", "starts with 3"),
        ("100010000000", "12 digits, a code 1 has 14"),
        ("١٢٣", "not all digits"),
    ],
)
def test_a_payload_that_is_no_code_is_named(payload: str, message: str) -> None:
    with pytest.raises(BarcodeError, match=message):
        parse_payload(payload)


def test_ids_too_long_for_the_code_are_refused() -> None:
    with pytest.raises(BarcodeError, match="list id"):
        list_payload(10**12)
    with pytest.raises(BarcodeError, match="line number"):
        offer_payload(1, 100)

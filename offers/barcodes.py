"""What the barcodes on a list carry, and reading it back at the lane.

Two payloads, all digits so that Code 128 packs them two to a symbol (code set C):

- a **list code**, `1` + the list id (12 digits, zero-padded) + a check digit: 14 digits.
  Scanning it (or the household's loyalty card) redeems everything on the list.
- an **offer code**, `2` + the list id (12 digits) + the line number (2 digits) + a check
  digit: 16 digits. Printed beside each offer, for a lane whose list scan fails.

The check digit is the GS1 mod-10 digit over everything before it (weights 3, 1, 3, ...
from the right), so a digit keyed in wrong at the lane is caught; Code 128's own mod-103
symbol check guards the scan itself.
"""

from __future__ import annotations

from dataclasses import dataclass

LIST_ID_DIGITS = 12
LINE_DIGITS = 2
_LIST_KIND = "1"
_OFFER_KIND = "2"
_LIST_LENGTH = 1 + LIST_ID_DIGITS + 1
_OFFER_LENGTH = 1 + LIST_ID_DIGITS + LINE_DIGITS + 1


class BarcodeError(ValueError):
    """A payload that is not a list or offer code; the message says what is wrong."""


@dataclass(frozen=True)
class ListCode:
    """A scanned list barcode: the whole list."""

    list_id: int


@dataclass(frozen=True)
class OfferCode:
    """A scanned offer barcode: one line of one list."""

    list_id: int
    line_number: int


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of a string of digits: weights 3, 1, 3, ... from the
    rightmost digit, and the digit that brings the weighted sum to a multiple of 10."""
    total = 3 * sum(map(int, digits[::-1][::2])) + sum(map(int, digits[::-1][1::2]))
    return str(-total % 10)


def list_payload(list_id: int) -> str:
    """The 14 digits a list's barcode carries."""
    body = _LIST_KIND + _digits(list_id, LIST_ID_DIGITS, "list id")
    return body + check_digit(body)


def offer_payload(list_id: int, line_number: int) -> str:
    """The 16 digits an offer line's barcode carries."""
    body = (
        _OFFER_KIND
        + _digits(list_id, LIST_ID_DIGITS, "list id")
        + _digits(line_number, LINE_DIGITS, "line number")
    )
    return body + check_digit(body)


def parse_payload(payload: str) -> ListCode | OfferCode:
    """What a scanned payload names. Raises BarcodeError for anything else: wrong length,
    a non-digit, an unknown kind or a check digit that does not match."""
    text = payload.strip()
    if not text.isdigit() or not text.isascii():
        raise BarcodeError(f"barcode {payload!r}: not all digits")
    kind = text[0]
    expected = {_LIST_KIND: _LIST_LENGTH, _OFFER_KIND: _OFFER_LENGTH}.get(kind)
    if expected is None:
        raise BarcodeError(f"barcode {payload!r}: starts with {kind}, not a list (1) or offer (2)")
    if len(text) != expected:
        raise BarcodeError(f"barcode {payload!r}: {len(text)} digits, a code {kind} has {expected}")
    if check_digit(text[:-1]) != text[-1]:
        raise BarcodeError(f"barcode {payload!r}: check digit does not match (mistyped?)")
    list_id = int(text[1 : 1 + LIST_ID_DIGITS])
    if kind == _LIST_KIND:
        return ListCode(list_id)
    return OfferCode(list_id, int(text[1 + LIST_ID_DIGITS : -1]))


def _digits(value: int, width: int, what: str) -> str:
    if value < 0 or value >= 10**width:
        raise BarcodeError(f"{what} {value} does not fit in {width} digits")
    return f"{value:0{width}d}"

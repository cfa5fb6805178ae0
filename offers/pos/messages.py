"""What a lane sends and gets back: the checkout's requests and answers, validated.

The same models serve the Python API (`offers.pos.checkout`) and the HTTP service
(`offers.pos.server`), whose OpenAPI document is made from them. Money is in dollars
as decimal strings with two places ("8.99"); times are local store time without an
offset; days are YYYY-MM-DD. Nothing here names a household: the lane needs the list,
its offers and the money, not who the shopper is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NaiveDatetime

Dollars = Annotated[Decimal, Field(ge=0, le=Decimal("99999.99"), decimal_places=2)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[0-9]+$")]
StoreId = Annotated[int, Field(ge=0, le=2**53)]
ProductId = Annotated[int, Field(ge=0, le=2**53)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BasketLineIn(_Message):
    """A line of the basket as the lane rang it up."""

    product_id: ProductId
    quantity: int = Field(ge=1, le=10_000, description="Units.")
    unit_price: Dollars = Field(description="Dollars for one unit, before any offer.")


class TransactionIn(_Message):
    """A basket to apply the scanned list to. transaction_id is the lane's own id: the
    same id (for the same store) is applied once, however often it is sent."""

    transaction_id: Identifier
    store_id: StoreId
    lane: Identifier
    code: Code = Field(description="The scanned list barcode, offer barcode or card number.")
    occurred_at: NaiveDatetime = Field(
        description="When the basket was rung up, local store time; a lane that was "
        "offline sends its stored baskets later and they apply as of this time."
    )
    lines: list[BasketLineIn] = Field(min_length=1, max_length=500)


class OfferOut(_Message):
    """An offer of the list and what is left of its limit for the household."""

    line_number: int
    deal_id: str
    item: str
    offer: str = Field(description="The offer in the cashier's words, e.g. '$1.50 off'.")
    limit_per_household: int
    remaining: int = Field(description="Redemptions the household has left of this deal.")
    valid_from: dt.date
    valid_to: dt.date = Field(description="Last day, inclusive.")
    live: bool = Field(description="True when the day asked about is inside the window.")


class LookupOut(_Message):
    """A household's list as the lane sees it: its offers, no name."""

    list_id: int
    store_id: int | None
    valid_from: dt.date
    valid_to: dt.date
    day: dt.date
    offers: list[OfferOut]


class AppliedLine(_Message):
    """A basket line and what came off it."""

    index: int = Field(description="The line's position in the request, from 0.")
    product_id: int
    quantity: int
    unit_price: Decimal
    amount: Decimal = Field(description="Dollars to pay for the line after its discount.")
    discount: Decimal
    deal_id: str | None = None
    line_number: int | None = Field(default=None, description="The list line that applied.")
    redemptions: int = 0


class NotAppliedOut(_Message):
    """An offer of the list that did not apply, and why, to read out to the shopper."""

    line_number: int
    deal_id: str
    reason: str


class TransactionOut(_Message):
    """The lane's answer: line by line, the total, and why the other offers did not
    apply. list_id is None when a card was scanned and the household has no live list."""

    transaction_id: str
    store_id: int
    list_id: int | None
    occurred_at: NaiveDatetime
    lines: list[AppliedLine]
    discount_total: Decimal
    total: Decimal
    not_applied: list[NotAppliedOut]


class ReturnLineIn(_Message):
    """Units of one line of the sale coming back."""

    index: int = Field(ge=0, le=499, description="The line's index in the sale.")
    quantity: int = Field(ge=1, le=10_000)


class VoidIn(_Message):
    """A void of a sale: some of its lines (a return) or, without lines, all that is left
    of it. void_id is the lane's own id: the same void is applied once."""

    void_id: Identifier
    lines: list[ReturnLineIn] | None = Field(default=None, min_length=1, max_length=500)


class ReversedLine(_Message):
    """What returning units of a line gives back: the refund is what was paid for them;
    the redemptions and discount reversed go back to the household's limits."""

    index: int
    product_id: int
    returned: int
    redemptions_reversed: int
    discount_reversed: Decimal
    refund: Decimal


class VoidOut(_Message):
    transaction_id: str
    void_id: str
    lines: list[ReversedLine]
    refund_total: Decimal
    discount_reversed_total: Decimal


class Health(_Message):
    status: Literal["ok"]


class Problem(_Message):
    """Why a request was refused, in words for the lane's log and the cashier."""

    detail: str

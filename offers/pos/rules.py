"""What a basket redeems from a household's list: the checkout's rules, as plain data in
and data out (the ledger and the lane service, still to come, call these).

Money is in dollars as `Decimal` with two places (cents), never floats: the lane must
add up to the cent. A *redemption* is what an offer's per-household limit counts: one
unit for `amount_off` and `percent_off`, one set of buy_x + get_y units for
`buy_x_get_y`.

Rules (DESIGN.md, Redemption):
- an offer applies only to a basket line whose product is in its scope, on a day inside
  its window [valid_from, valid_to] (both inclusive);
- it redeems at most what is left of its limit for the household (limit minus what the
  household has redeemed of the same deal, voids excluded);
- one offer per basket line, and an offer applies to one line of a transaction; when
  several offers could take the same line, the larger discount wins (ties: the lower
  list line number);
- a line's discount never exceeds what the line costs (quantity x unit price).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

NOT_IN_BASKET = "not in the basket"
OUTSIDE_WINDOW = "outside its window"
LIMIT_REACHED = "limit reached"
LINE_TOOK_ANOTHER = "its item took a larger offer"
TOO_FEW_UNITS = "too few units for it"
ALREADY_IN_TRANSACTION = "already redeemed in this transaction"
REASONS = (
    NOT_IN_BASKET,
    OUTSIDE_WINDOW,
    LIMIT_REACHED,
    LINE_TOOK_ANOTHER,
    TOO_FEW_UNITS,
    ALREADY_IN_TRANSACTION,
)
"""Why an offer of the list did not apply, in the words the cashier reads out."""


@dataclass(frozen=True)
class Offer:
    """An offer line of a published list. offer_value: dollars off one unit
    (amount_off) or the share off (percent_off, 0-1); buy_x / get_y for buy_x_get_y."""

    list_id: int
    line_number: int
    deal_id: str
    products: frozenset[int]
    offer_kind: str
    offer_value: Decimal | None
    buy_x: int | None
    get_y: int | None
    limit_per_household: int
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class BasketLine:
    """A line of a transaction: `quantity` units of a product at `unit_price` dollars."""

    index: int
    product_id: int
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Redemption:
    """An offer applied to a basket line: `redemptions` counted against the limit,
    `discount` dollars off the line."""

    basket_index: int
    list_id: int
    line_number: int
    deal_id: str
    redemptions: int
    discount: Decimal


@dataclass(frozen=True)
class NotApplied:
    """An offer of the list that did not apply, and why (one of REASONS)."""

    list_id: int
    line_number: int
    deal_id: str
    reason: str


def redeem(
    offers: Sequence[Offer],
    basket: Sequence[BasketLine],
    redeemed: Mapping[str, int],
    day: dt.date,
) -> tuple[list[Redemption], list[NotApplied]]:
    """The redemptions a basket earns on `day` from `offers` (one household's live
    list), given what the household has redeemed already per deal id (`redeemed`), and
    why each other offer did not apply. Redemptions come in basket order."""
    candidates: list[tuple[Decimal, int, int, Redemption]] = []
    reasons: dict[tuple[int, int], str] = {}
    for offer in offers:
        key = (offer.list_id, offer.line_number)
        matching = [line for line in basket if line.product_id in offer.products]
        left = max(offer.limit_per_household - redeemed.get(offer.deal_id, 0), 0)
        if not matching:
            reasons[key] = NOT_IN_BASKET
        elif not offer.valid_from <= day <= offer.valid_to:
            reasons[key] = OUTSIDE_WINDOW
        elif left == 0:
            reasons[key] = LIMIT_REACHED
        else:
            reasons[key] = TOO_FEW_UNITS  # until a line earns a discount from it
            for line in matching:
                earned = _earn(offer, line, left)
                if earned is not None:
                    candidates.append((earned.discount, offer.line_number, line.index, earned))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    taken_lines: set[int] = set()
    taken_offers: set[tuple[int, int]] = set()
    used: dict[str, int] = {}  # redemptions of each deal in this transaction so far
    by_key = {(offer.list_id, offer.line_number): offer for offer in offers}
    lines = {line.index: line for line in basket}
    chosen: list[Redemption] = []
    for _, _, _, earned in candidates:
        key = (earned.list_id, earned.line_number)
        if key in taken_offers:
            continue
        if earned.basket_index in taken_lines:
            reasons[key] = LINE_TOOK_ANOTHER
            continue
        offer = by_key[key]
        left = offer.limit_per_household - redeemed.get(offer.deal_id, 0)
        left -= used.get(offer.deal_id, 0)
        if left <= 0:  # two list lines of the same deal: the first took what was left
            reasons[key] = ALREADY_IN_TRANSACTION
            continue
        if earned.redemptions > left:
            again = _earn(offer, lines[earned.basket_index], left)
            if again is None:
                continue
            earned = again
        taken_offers.add(key)
        taken_lines.add(earned.basket_index)
        used[offer.deal_id] = used.get(offer.deal_id, 0) + earned.redemptions
        chosen.append(earned)
        del reasons[key]
    not_applied = [
        NotApplied(offer.list_id, offer.line_number, offer.deal_id, reasons[key])
        for offer in offers
        if (key := (offer.list_id, offer.line_number)) in reasons
    ]
    return sorted(chosen, key=lambda r: r.basket_index), not_applied


def _earn(offer: Offer, line: BasketLine, left: int) -> Redemption | None:
    """What `offer` takes off `line` with `left` redemptions of its limit remaining;
    None when the line is too short for it (buy 2 get 1 with 2 units) or it is worth
    nothing."""
    price = line.unit_price
    if offer.offer_kind == "buy_x_get_y":
        size = (offer.buy_x or 0) + (offer.get_y or 0)
        count = min(line.quantity // size, left) if size > 0 else 0
        per = price * (offer.get_y or 0)
    else:
        count = min(line.quantity, left)
        if offer.offer_kind == "amount_off":
            per = min(offer.offer_value or Decimal(0), price)
        else:
            per = (price * (offer.offer_value or Decimal(0))).quantize(CENT, ROUND_HALF_UP)
    discount = min((per * count).quantize(CENT, ROUND_HALF_UP), price * line.quantity)
    if count <= 0 or discount <= 0:
        return None
    return Redemption(line.index, offer.list_id, offer.line_number, offer.deal_id, count, discount)


def reverse(redemption: Redemption, line: BasketLine, returned: int) -> Redemption:
    """The part of `redemption` that returning `returned` of `line`'s units takes back,
    in proportion: the redemptions and dollars kept are those of the units kept (rounded
    down to whole redemptions and to the cent), the rest is reversed. Returning every
    unit reverses it whole."""
    if not 0 <= returned <= line.quantity:
        raise ValueError(f"cannot return {returned} of {line.quantity} units")
    kept_units = line.quantity - returned
    kept_count = redemption.redemptions * kept_units // line.quantity
    kept_discount = (redemption.discount * kept_units / line.quantity).quantize(CENT, ROUND_DOWN)
    return Redemption(
        redemption.basket_index,
        redemption.list_id,
        redemption.line_number,
        redemption.deal_id,
        redemption.redemptions - kept_count,
        redemption.discount - kept_discount,
    )

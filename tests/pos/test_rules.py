"""The checkout's redemption rules: hand-checked baskets, and properties that hold for
every list and basket (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from offers.pos.rules import (
    LIMIT_REACHED,
    LINE_TOOK_ANOTHER,
    NOT_IN_BASKET,
    OUTSIDE_WINDOW,
    REASONS,
    TOO_FEW_UNITS,
    BasketLine,
    Offer,
    Redemption,
    redeem,
    reverse,
)

DAY = dt.date(2018, 1, 5)
WINDOW = (dt.date(2017, 12, 31), dt.date(2018, 1, 13))


def _offer(
    line: int, deal: str, products: set[int], kind: str, value: str | None = None,
    buy: int | None = None, get: int | None = None, limit: int = 1,
    window: tuple[dt.date, dt.date] = WINDOW,
) -> Offer:  # fmt: skip
    return Offer(
        1, line, deal, frozenset(products), kind, Decimal(value) if value else None,
        buy, get, limit, *window,
    )  # fmt: skip


def _line(index: int, product: int, quantity: int, price: str) -> BasketLine:
    return BasketLine(index, product, quantity, Decimal(price))


def test_a_hand_checked_basket() -> None:
    offers = [
        _offer(1, "TYLENOL", {101, 102}, "amount_off", "1.50", limit=2),
        _offer(2, "ADVIL", {201}, "percent_off", "0.25"),
        _offer(3, "YOGURT", {301}, "buy_x_get_y", buy=2, get=1, limit=3),
        _offer(4, "MILK", {401}, "amount_off", "0.50"),
        _offer(5, "OLD", {501}, "amount_off", "1.00", window=(dt.date(2017, 12, 1),) * 2),
        _offer(6, "DOG", {601}, "amount_off", "3.00", limit=1),
        _offer(7, "PASTA", {701}, "buy_x_get_y", buy=2, get=1),
    ]
    basket = [
        _line(0, 101, 3, "8.99"),  # Tylenol: limit 2 -> 2 x $1.50
        _line(1, 201, 1, "3.99"),  # Advil: 25 % of 3.99 = 0.9975 -> $1.00
        _line(2, 301, 7, "0.80"),  # yogurt: 7 units = 2 sets of 3 -> 2 free at $0.80
        _line(3, 501, 1, "2.00"),  # an offer outside its window
        _line(4, 601, 1, "20.00"),  # dog food: limit already used up
        _line(5, 701, 2, "1.00"),  # pasta: buy 2 get 1 needs 3 units
    ]
    done, missed = redeem(offers, basket, {"DOG": 1}, DAY)
    assert [(r.basket_index, r.deal_id, r.redemptions, r.discount) for r in done] == [
        (0, "TYLENOL", 2, Decimal("3.00")),
        (1, "ADVIL", 1, Decimal("1.00")),
        (2, "YOGURT", 2, Decimal("1.60")),
    ]
    assert {m.deal_id: m.reason for m in missed} == {
        "MILK": NOT_IN_BASKET,
        "OLD": OUTSIDE_WINDOW,
        "DOG": LIMIT_REACHED,
        "PASTA": TOO_FEW_UNITS,
    }


def test_the_larger_discount_takes_a_line_both_offers_want() -> None:
    offers = [
        _offer(1, "BRAND", {101}, "amount_off", "0.50"),
        _offer(2, "STORE", {101}, "amount_off", "1.00"),
    ]
    done, missed = redeem(offers, [_line(0, 101, 1, "5.00")], {}, DAY)
    assert [(r.deal_id, r.discount) for r in done] == [("STORE", Decimal("1.00"))]
    assert [(m.deal_id, m.reason) for m in missed] == [("BRAND", LINE_TOOK_ANOTHER)]


def test_a_discount_never_exceeds_the_price() -> None:
    done, _ = redeem(
        [_offer(1, "BIG", {1}, "amount_off", "5.00", limit=3)], [_line(0, 1, 2, "0.79")], {}, DAY
    )
    assert [(r.redemptions, r.discount) for r in done] == [(2, Decimal("1.58"))]


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50"), places=2)
offers_strategy = st.lists(
    st.builds(
        Offer,
        list_id=st.just(1),
        line_number=st.integers(1, 12),
        deal_id=st.sampled_from(["A", "B", "C", "D"]),
        products=st.frozensets(st.integers(1, 6), min_size=1, max_size=3),
        offer_kind=st.sampled_from(["amount_off", "percent_off", "buy_x_get_y"]),
        offer_value=st.one_of(money, st.decimals(Decimal("0.05"), Decimal("1"), places=2)),
        buy_x=st.integers(1, 3),
        get_y=st.integers(1, 2),
        limit_per_household=st.integers(1, 4),
        valid_from=st.dates(dt.date(2018, 1, 1), dt.date(2018, 1, 10)),
        valid_to=st.dates(dt.date(2018, 1, 5), dt.date(2018, 1, 20)),
    ),
    max_size=8,
    unique_by=lambda o: o.line_number,
)
baskets = st.lists(st.tuples(st.integers(1, 8), st.integers(1, 7), money), max_size=8).map(
    lambda rows: [BasketLine(i, p, q, price) for i, (p, q, price) in enumerate(rows)]
)
redeemed_before = st.dictionaries(st.sampled_from(["A", "B", "C", "D"]), st.integers(0, 4))


@given(
    offers_strategy, baskets, redeemed_before, st.dates(dt.date(2018, 1, 1), dt.date(2018, 1, 25))
)
def test_every_basket_keeps_to_the_rules(
    offers: list[Offer], basket: list[BasketLine], before: dict[str, int], day: dt.date
) -> None:
    done, missed = redeem(offers, basket, before, day)
    by_key = {(o.list_id, o.line_number): o for o in offers}
    lines = {line.index: line for line in basket}
    # Every offer is either applied or given a reason, never both.
    applied = [(r.list_id, r.line_number) for r in done]
    assert sorted(applied + [(m.list_id, m.line_number) for m in missed]) == sorted(by_key)
    assert all(m.reason in REASONS for m in missed)
    # One offer per basket line, one line per offer.
    assert len({r.basket_index for r in done}) == len(done) == len(set(applied))
    used: dict[str, int] = {}
    for r in done:
        offer, line = by_key[(r.list_id, r.line_number)], lines[r.basket_index]
        assert line.product_id in offer.products
        assert offer.valid_from <= day <= offer.valid_to
        assert Decimal("0") < r.discount <= line.unit_price * line.quantity
        assert r.redemptions >= 1
        used[r.deal_id] = used.get(r.deal_id, 0) + r.redemptions
    # Never more than the household's limit for a deal, counting what it redeemed before.
    for deal, count in used.items():
        limits = {o.limit_per_household for o in offers if o.deal_id == deal}
        assert before.get(deal, 0) + count <= max(limits)


@given(st.integers(1, 10), st.integers(1, 5), money, st.data())
def test_returns_reverse_in_proportion_and_a_full_return_reverses_all(
    quantity: int, count: int, discount: Decimal, data: st.DataObject
) -> None:
    line = BasketLine(0, 1, quantity, Decimal("50"))
    redemption = Redemption(0, 1, 1, "A", min(count, quantity), min(discount, Decimal(50)))
    returned = data.draw(st.integers(0, quantity))
    back = reverse(redemption, line, returned)
    assert 0 <= back.redemptions <= redemption.redemptions
    assert Decimal(0) <= back.discount <= redemption.discount
    assert reverse(redemption, line, quantity) == redemption
    assert reverse(redemption, line, 0).redemptions == 0
    assert reverse(redemption, line, 0).discount == 0
    if returned < quantity:  # returning more never gives back less
        more = reverse(redemption, line, returned + 1)
        assert more.discount >= back.discount
        assert more.redemptions >= back.redemptions

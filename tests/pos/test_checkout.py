"""The checkout against the ledger: hand-checked baskets on the tiny run's lists, the
idempotency and store rules, voids, and properties over random baskets (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offers.barcodes import list_payload
from offers.pos import rules
from offers.pos.checkout import (
    CheckoutError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    lookup,
    transact,
    void,
)
from offers.pos.ledger import STAFF
from offers.pos.messages import VoidIn
from tests.pos.conftest import (
    DAY,
    HAND_CHECKED,
    HOUSEHOLD_1_CODE,
    HOUSEHOLD_1_LIST,
    HOUSEHOLD_2_CARD,
    HOUSEHOLD_3_CARD,
    Published,
    back,
    basket,
)


def _sum(published: Published, sql: str, *params: Any) -> Any:
    return published.ledger.execute(sql, params).fetchone()[0]


def test_a_hand_checkedbasket(published: Published) -> None:
    answer = transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED))
    assert answer.list_id == HOUSEHOLD_1_LIST
    assert [(x.deal_id, x.redemptions, x.discount, x.amount) for x in answer.lines] == [
        ("TYLENOL-150", 1, Decimal("1.50"), Decimal("7.49")),
        ("BEEF-200", 1, Decimal("2.00"), Decimal("4.49")),
        ("DEANS-MILK", 2, Decimal("1.00"), Decimal("8.87")),  # limit 2 of 3 units
        (None, 0, Decimal("0.00"), Decimal("1.18")),
    ]
    assert (answer.discount_total, answer.total) == (Decimal("4.50"), Decimal("22.03"))
    assert answer.not_applied == []
    left = lookup(published.ledger, published.store_1, HOUSEHOLD_1_CODE, DAY.date())
    assert {o.deal_id: o.remaining for o in left.offers} == {
        "TYLENOL-150": 0,
        "BEEF-200": 0,
        "DEANS-MILK": 0,
    }
    again = transact(published.ledger, published.store_1, basket("T2", HAND_CHECKED))
    assert again.discount_total == 0
    assert {m.deal_id: m.reason for m in again.not_applied} == dict.fromkeys(
        ["TYLENOL-150", "BEEF-200", "DEANS-MILK"], rules.LIMIT_REACHED
    )


def test_a_retry_gets_the_same_answer_and_never_a_second_discount(published: Published) -> None:
    first = transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED))
    for _ in range(3):
        assert transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED)) == first
    assert _sum(published, "SELECT count(*) FROM sale") == 1
    assert _sum(published, "SELECT sum(discount_cents) FROM redemption") == 450
    with pytest.raises(ConflictError, match="transaction_id T1 was applied already"):
        transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED[:1]))
    outcomes = published.ledger.execute(
        "SELECT outcome FROM audit WHERE action = 'transaction' ORDER BY seq"
    ).fetchall()
    assert [o[0].split(" ")[0] for o in outcomes] == ["applied"] + ["replayed"] * 3 + ["refused"]


def test_a_basket_posted_late_applies_as_of_its_own_time(published: Published) -> None:
    late = basket("OFFLINE-7", HAND_CHECKED, at=dt.datetime(2017, 4, 10, 18, 0))
    answer = transact(published.ledger, published.store_1, late)
    assert [x.deal_id for x in answer.lines] == ["TYLENOL-150", "BEEF-200", None, None]
    assert {m.deal_id: m.reason for m in answer.not_applied} == {
        "DEANS-MILK": rules.OUTSIDE_WINDOW  # the milk deal ended on 2017-04-09
    }


def test_a_key_acts_for_its_own_store_only(published: Published) -> None:
    with pytest.raises(ForbiddenError, match="list 100000001 belongs to another store"):
        transact(published.ledger, published.store_2, basket("X1", HAND_CHECKED, store_id=2))
    with pytest.raises(ForbiddenError, match="store_id 1: this key is for store 2"):
        transact(published.ledger, published.store_2, basket("X2", HAND_CHECKED))
    with pytest.raises(ForbiddenError, match="belongs to another store"):
        lookup(published.ledger, published.store_2, HOUSEHOLD_2_CARD, DAY.date())
    transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED))
    with pytest.raises(NotFoundError, match="no transaction T1 at store 2"):
        void(published.ledger, published.store_2, "T1", VoidIn(void_id="V1"))
    assert _sum(published, "SELECT count(*) FROM sale") == 1
    assert lookup(published.ledger, STAFF, HOUSEHOLD_2_CARD, DAY.date()).list_id == 100000002


def test_a_card_without_a_list_still_records_thebasket(published: Published) -> None:
    with pytest.raises(NotFoundError, match="no list live on 2017-04-01"):
        lookup(published.ledger, published.store_2, HOUSEHOLD_3_CARD, DAY.date())
    card_basket = basket("S2-1", [(101, 1, "8.99")], code=HOUSEHOLD_3_CARD, store_id=2)
    answer = transact(published.ledger, published.store_2, card_basket)
    assert answer.list_id is None
    assert (answer.discount_total, answer.total) == (Decimal(0), Decimal("8.99"))
    assert _sum(published, "SELECT household_id FROM sale") == 3


def test_unknown_codes_are_refused(published: Published) -> None:
    with pytest.raises(NotFoundError, match="no published list or card"):
        lookup(published.ledger, published.store_1, "4000000000999", DAY.date())
    with pytest.raises(NotFoundError, match="list 100000099 is not published"):
        lookup(published.ledger, published.store_1, list_payload(100000099), DAY.date())


def test_a_return_reverses_in_proportion_and_releases_the_limit(published: Published) -> None:
    transact(published.ledger, published.store_1, basket("T1", HAND_CHECKED))
    first_return = void(
        published.ledger,
        published.store_1,
        "T1",
        back("R1", (2, 2), (3, 1)),
    )
    # milk: 3 units, 2 redemptions, $1.00 off; 1 unit kept keeps 2*1//3 = 0 redemptions
    # and $0.33 of the discount, so $0.67 and 2 redemptions go back; 2 x 3.29 - 0.67 = 5.91
    assert [
        (x.index, x.redemptions_reversed, x.discount_reversed, x.refund) for x in first_return.lines
    ] == [
        (2, 2, Decimal("0.67"), Decimal("5.91")),
        (3, 0, Decimal("0.00"), Decimal("0.59")),
    ]
    left = lookup(published.ledger, published.store_1, HOUSEHOLD_1_CODE, DAY.date())
    assert {o.deal_id: o.remaining for o in left.offers}["DEANS-MILK"] == 2
    again = void(
        published.ledger,
        published.store_1,
        "T1",
        back("R1", (2, 2), (3, 1)),
    )
    assert again == first_return
    with pytest.raises(CheckoutError, match=r"lines\[0\].quantity 2: only 1 of line 2"):
        void(published.ledger, published.store_1, "T1",
             back("R2", (2, 2)))  # fmt: skip
    rest = void(published.ledger, published.store_1, "T1", VoidIn(void_id="ALL"))
    assert [(x.index, x.returned) for x in rest.lines] == [(0, 1), (1, 1), (2, 1), (3, 1)]
    paid = Decimal("22.03")
    assert first_return.refund_total + rest.refund_total == paid  # everything back, to the cent
    assert _sum(published, "SELECT sum(redemptions) FROM redemption") == 0
    assert _sum(published, "SELECT sum(discount_cents) FROM redemption") == 0
    with pytest.raises(ConflictError, match="every unit of this transaction was returned"):
        void(published.ledger, published.store_1, "T1", VoidIn(void_id="ALL-AGAIN"))


_PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30"), places=2)
_LINES = st.lists(
    st.tuples(st.sampled_from([101, 102, 201, 202, 501, 701]), st.integers(1, 6), _PRICES),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(baskets=st.lists(_LINES, min_size=1, max_size=4), data=st.data())
def test_every_basket_and_return_keeps_to_the_list(
    published: Published, baskets: list[list[tuple[int, int, Decimal]]], data: st.DataObject
) -> None:
    ledger = published.ledger
    for table in ("sale", "sale_line", "void", "void_line", "redemption"):
        ledger.execute(f"DELETE FROM {table}")  # the fixture's ledger outlives one example
    for number, lines in enumerate(baskets):
        request = basket(f"T{number}", [(p, q, str(u)) for p, q, u in lines])
        answer = transact(ledger, published.store_1, request)
        for line in answer.lines:
            assert 0 <= line.discount <= line.unit_price * line.quantity  # never above the price
        returns = data.draw(
            st.lists(st.tuples(st.integers(0, len(lines) - 1), st.integers(1, 6)), max_size=3)
        )
        for count, (index, units) in enumerate(returns):
            left = lines[index][1] - _returned(published, request.transaction_id, index)
            if left <= 0:
                continue
            returned = back(f"v{count}", (index, min(units, left)))
            void(ledger, published.store_1, request.transaction_id, returned)
    limits = dict(ledger.execute("SELECT deal_id, limit_per_household FROM offer WHERE list_id = ?",
                                 (HOUSEHOLD_1_LIST,)).fetchall())  # fmt: skip
    redeemed = ledger.execute(
        "SELECT deal_id, sum(redemptions) FROM redemption GROUP BY 1"
    ).fetchall()
    for deal, total in redeemed:
        assert 0 <= total <= limits[deal]  # never more than the list allows
    # each line's redemptions after its returns are those of its remaining units
    for sale_id, index, quantity, first, net in ledger.execute(
        "SELECT l.sale_id, l.line_index, l.quantity,"
        " sum(CASE WHEN e.void_row IS NULL THEN e.redemptions END), sum(e.redemptions)"
        " FROM sale_line AS l"
        " JOIN redemption AS e ON e.sale_id = l.sale_id AND e.line_index = l.line_index"
        " GROUP BY 1, 2, 3"
    ).fetchall():
        returned = _sum(published, "SELECT coalesce(sum(r.quantity), 0) FROM void_line AS r"
                        " JOIN void AS v ON v.void_row = r.void_row"
                        " WHERE v.sale_id = ? AND r.line_index = ?", sale_id, index)  # fmt: skip
        assert net == first * (quantity - returned) // quantity


def _returned(published: Published, transaction_id: str, index: int) -> int:
    return int(
        _sum(
            published,
            "SELECT coalesce(sum(r.quantity), 0) FROM void_line AS r JOIN void AS v"
            " ON v.void_row = r.void_row JOIN sale AS s ON s.sale_id = v.sale_id"
            " WHERE s.transaction_id = ? AND r.line_index = ?",
            transaction_id,
            index,
        )
    )

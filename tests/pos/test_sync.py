"""Bringing the lanes' sales, returns and redemptions back into the warehouse."""

from __future__ import annotations

from decimal import Decimal

from offers.pos.checkout import transact, void
from offers.pos.sync import sync
from tests.conftest import scalar
from tests.pos.conftest import HAND_CHECKED, Published, back, basket

_LINES_SQL = """
SELECT b.transaction_id, b.void_id, s.product_id, s.quantity, s.amount_paid, s.coupon_discount,
    s.is_return, s.household_id, s.store_id
FROM scan_line AS s JOIN pos_basket AS b ON b.basket_id = s.basket_id
ORDER BY b.basket_id, s.product_id
"""


def test_sales_and_returns_become_scan_lines_and_redemptions(published: Published) -> None:
    con, ledger = published.warehouse, published.ledger
    first_basket = int(str(scalar(con, "SELECT max(basket_id) FROM scan_line")))
    transact(ledger, published.store_1, basket("T1", HAND_CHECKED))
    void(ledger, published.store_1, "T1", back("R1", (2, 2), (3, 1)))
    done = sync(con, ledger, published.path)
    assert (done.sales, done.voids, done.scan_lines, done.redemptions) == (1, 1, 6, 4)
    assert done.discount == Decimal("3.83")  # 4.50 off, 0.67 of it reversed
    assert con.execute(_LINES_SQL).fetchall() == [
        ("T1", None, 101, 1, Decimal("7.49"), Decimal("1.50"), False, 1, 1),
        ("T1", None, 201, 3, Decimal("8.87"), Decimal("1.00"), False, 1, 1),
        ("T1", None, 501, 2, Decimal("1.18"), Decimal("0.00"), False, 1, 1),
        ("T1", None, 701, 1, Decimal("4.49"), Decimal("2.00"), False, 1, 1),
        ("T1", "R1", 201, -2, Decimal("-5.91"), Decimal("-0.67"), True, 1, 1),
        ("T1", "R1", 501, -1, Decimal("-0.59"), Decimal("0.00"), True, 1, 1),
    ]
    assert scalar(con, "SELECT min(basket_id) FROM pos_basket") == first_basket + 1
    redeemed = con.execute(
        "SELECT deal_id, product_id, redemptions, discount FROM redemption ORDER BY entry_id"
    ).fetchall()
    assert redeemed == [
        ("TYLENOL-150", 101, 1, Decimal("1.50")),
        ("BEEF-200", 701, 1, Decimal("2.00")),
        ("DEANS-MILK", 201, 2, Decimal("1.00")),
        ("DEANS-MILK", 201, -2, Decimal("-0.67")),
    ]
    assert scalar(con, "SELECT count(*) FROM ingested_file WHERE kind = 'pos'") == 1


def test_syncing_again_adds_only_what_is_new(published: Published) -> None:
    con, ledger = published.warehouse, published.ledger
    transact(ledger, published.store_1, basket("T1", HAND_CHECKED))
    sync(con, ledger, published.path)
    counts = "SELECT (SELECT count(*) FROM scan_line), (SELECT count(*) FROM redemption)"
    before = con.execute(counts).fetchall()
    nothing = sync(con, ledger, published.path)
    assert (nothing.sales, nothing.voids, nothing.scan_lines, nothing.redemptions) == (0, 0, 0, 0)
    assert con.execute(counts).fetchall() == before
    transact(ledger, published.store_1, basket("T2", [(102, 1, "6.99")]))
    void(ledger, published.store_1, "T1", back("ALL"))
    later = sync(con, ledger, published.path)
    assert (later.sales, later.voids, later.scan_lines, later.redemptions) == (1, 1, 5, 3)
    assert scalar(con, "SELECT sum(redemptions) FROM redemption") == 0
    t1_paid = scalar(
        con,
        "SELECT sum(amount_paid) FROM scan_line WHERE basket_id IN"
        " (SELECT basket_id FROM pos_basket WHERE transaction_id = 'T1')",
    )
    assert t1_paid == 0  # all of it returned

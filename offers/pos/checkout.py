"""The checkout against the live ledger: look up a scanned code, apply a transaction,
void one. The Python API the HTTP service (`offers.pos.server`) and the staff commands
call; the rules themselves are `offers.pos.rules`.

- A code is a list barcode payload, an offer barcode payload (its list) or a loyalty
  card number (the household's list live on the day; no list: the basket is still
  recorded, with no offer).
- A lane acts for its key's store only: its transactions name that store, and it reads
  and redeems only lists printed for that store's households. Staff at the command line
  (`Lane.staff`) may read any list.
- A transaction id is applied once per store: sent again with the same content it gets
  the stored answer and changes nothing; sent with other content it is refused (409).
  The same holds for a void id within a sale.
- Every change, and every refused attempt to change, is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from offers.barcodes import BarcodeError, parse_payload
from offers.deals import offer_text
from offers.pos import rules
from offers.pos.ledger import Lane, audit, now_text, sha256_text, writing
from offers.pos.messages import (
    AppliedLine,
    LookupOut,
    NotAppliedOut,
    OfferOut,
    ReversedLine,
    TransactionIn,
    TransactionOut,
    VoidIn,
    VoidOut,
)

CENTS = Decimal(100)


class CheckoutError(Exception):
    """A request the checkout refuses; `status` is the HTTP status the service answers."""

    status = 422


class NotFoundError(CheckoutError):
    status = 404


class ForbiddenError(CheckoutError):
    status = 403


class ConflictError(CheckoutError):
    status = 409


@dataclass(frozen=True)
class _List:
    list_id: int
    household_id: int
    store_id: int | None
    valid_from: dt.date
    valid_to: dt.date


@dataclass(frozen=True)
class _Target:
    """Whose basket it is and which list applies (None: a card without a live list)."""

    household_id: int
    store_id: int | None
    shopping_list: _List | None


_OFFERS_SQL = """
SELECT line_number, deal_id, item, offer_kind, offer_value, buy_x, get_y,
       limit_per_household, valid_from, valid_to
FROM offer WHERE list_id = ? ORDER BY line_number
"""


def lookup(con: sqlite3.Connection, lane: Lane, code: str, day: dt.date) -> LookupOut:
    """The list a scanned code opens on `day`, with each offer's remaining redemptions
    for the household. Raises NotFoundError, ForbiddenError or CheckoutError (a code
    that is neither a list nor a card)."""
    target = _resolve(con, lane, code, day, lane.store_id)
    found = target.shopping_list
    if found is None:
        raise NotFoundError(f"the card has no list live on {day.isoformat()}")
    rows = con.execute(_OFFERS_SQL, (found.list_id,)).fetchall()
    redeemed = _redeemed(con, target.household_id, [row[1] for row in rows])
    offers = []
    for number, deal, item, kind, value, buy_x, get_y, limit, start, end in rows:
        valid_from, valid_to = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        offers.append(
            OfferOut(
                line_number=number,
                deal_id=deal,
                item=item,
                offer=offer_text(kind, float(value) if value is not None else None, buy_x, get_y),
                limit_per_household=limit,
                remaining=max(limit - redeemed.get(deal, 0), 0),
                valid_from=valid_from,
                valid_to=valid_to,
                live=valid_from <= day <= valid_to,
            )
        )
    return LookupOut(
        list_id=found.list_id,
        store_id=found.store_id,
        valid_from=found.valid_from,
        valid_to=found.valid_to,
        day=day,
        offers=offers,
    )


def transact(con: sqlite3.Connection, lane: Lane, request: TransactionIn) -> TransactionOut:
    """Apply a basket: every offer of the scanned list that matches a line, inside its
    window on the day the basket was rung up, within what is left of its limit. Records
    the sale, its lines and redemptions in one write transaction, then answers. A
    transaction id seen before gets its first answer again."""
    digest = sha256_text(request.model_dump_json())
    subject = f"transaction {request.transaction_id}"
    try:
        if not lane.staff and request.store_id != lane.store_id:
            raise ForbiddenError(
                f"store_id {request.store_id}: this key is for store {lane.store_id}"
            )
        with writing(con):
            prior = con.execute(
                "SELECT request_sha256, answer FROM sale WHERE store_id = ? AND transaction_id = ?",
                (request.store_id, request.transaction_id),
            ).fetchone()
            if prior is not None:
                if prior[0] != digest:
                    raise ConflictError(
                        f"transaction_id {request.transaction_id} was applied already with"
                        " another basket; a new basket needs a new id"
                    )
                audit(con, lane, "transaction", subject, "replayed", digest)
                return TransactionOut.model_validate_json(prior[1])
            household_id, answer = _apply(con, lane, request)
            _record_sale(con, household_id, request, answer, digest)
            audit(con, lane, "transaction", subject, "applied", digest)
            return answer
    except CheckoutError as refused:
        _refused(con, lane, "transaction", subject, refused, digest)
        raise


def void(con: sqlite3.Connection, lane: Lane, transaction_id: str, request: VoidIn) -> VoidOut:
    """Take back units of a sale (`request.lines`), or all that is left of it: the
    refund is what was paid for them; the redemptions of the returned units are reversed
    in proportion (`rules.reverse`), which releases them to the household's limits. A
    void id seen before for the sale gets its first answer again."""
    digest = sha256_text(request.model_dump_json())
    subject = f"transaction {transaction_id} void {request.void_id}"
    try:
        with writing(con):
            sale = con.execute(
                "SELECT sale_id, household_id FROM sale WHERE store_id = ? AND transaction_id = ?",
                (lane.store_id, transaction_id),
            ).fetchone()
            if sale is None:
                raise NotFoundError(f"no transaction {transaction_id} at store {lane.store_id}")
            sale_id = int(sale[0])
            prior = con.execute(
                "SELECT request_sha256, answer FROM void WHERE sale_id = ? AND void_id = ?",
                (sale_id, request.void_id),
            ).fetchone()
            if prior is not None:
                if prior[0] != digest:
                    raise ConflictError(
                        f"void_id {request.void_id} was applied already with other lines"
                    )
                audit(con, lane, "void", subject, "replayed", digest)
                return VoidOut.model_validate_json(prior[1])
            answer = _reverse(con, sale_id, int(sale[1]), transaction_id, request, digest)
            audit(con, lane, "void", subject, "applied", digest)
            return answer
    except CheckoutError as refused:
        _refused(con, lane, "void", subject, refused, digest)
        raise


def is_applied(con: sqlite3.Connection, store_id: int, transaction_id: str) -> bool:
    """Whether the store's transaction id is in the ledger already."""
    found = con.execute(
        "SELECT 1 FROM sale WHERE store_id = ? AND transaction_id = ?", (store_id, transaction_id)
    ).fetchone()
    return found is not None


def _resolve(
    con: sqlite3.Connection, lane: Lane, code: str, day: dt.date, store_id: int | None
) -> _Target:
    """The household and list a code names; the store check for a lane key."""
    try:
        payload = parse_payload(code)
    except BarcodeError:
        payload = None
    if payload is not None:
        list_id = payload.list_id
        found = _list(con, "list_id = ?", (list_id,))
        if found is None:
            raise NotFoundError(f"code {code}: list {list_id} is not published")
        _check_store(lane, found.store_id, store_id, f"list {list_id}")
        return _Target(found.household_id, found.store_id, found)
    card = con.execute(
        "SELECT household_id, store_id FROM card WHERE card_sha256 = ?", (sha256_text(code),)
    ).fetchone()
    if card is None:
        raise NotFoundError(f"code {code}: no published list or card has this number")
    household_id, home = int(card[0]), card[1]
    _check_store(lane, home, store_id, "the card's household")
    live = _list(
        con,
        "household_id = ? AND valid_from <= ? AND valid_to >= ?"
        " ORDER BY valid_from DESC, list_id DESC LIMIT 1",
        (household_id, day.isoformat(), day.isoformat()),
    )
    return _Target(household_id, home, live)


def _list(con: sqlite3.Connection, where: str, params: tuple[object, ...]) -> _List | None:
    """The first published list matching `where` (a fixed condition with ? parameters)."""
    row = con.execute(
        f"SELECT list_id, household_id, store_id, valid_from, valid_to FROM list WHERE {where}",
        params,
    ).fetchone()
    if row is None:
        return None
    return _List(row[0], row[1], row[2], *map(dt.date.fromisoformat, row[3:]))


def _check_store(lane: Lane, home: int | None, store_id: int | None, what: str) -> None:
    if lane.staff:
        return
    if home != store_id:
        raise ForbiddenError(f"{what} belongs to another store; this key is for store {store_id}")


def _redeemed(con: sqlite3.Connection, household_id: int, deals: Sequence[str]) -> dict[str, int]:
    """Redemptions the household has of each deal, voids taken off."""
    if not deals:
        return {}
    marks = ",".join("?" * len(deals))
    rows = con.execute(
        "SELECT deal_id, sum(redemptions) FROM redemption"
        f" WHERE household_id = ? AND deal_id IN ({marks}) GROUP BY deal_id",
        (household_id, *deals),
    ).fetchall()
    return {str(deal): int(total) for deal, total in rows}


def _apply(
    con: sqlite3.Connection, lane: Lane, request: TransactionIn
) -> tuple[int, TransactionOut]:
    """The household whose basket it is, and the lane's answer."""
    day = request.occurred_at.date()
    target = _resolve(con, lane, request.code, day, request.store_id)
    basket = [
        rules.BasketLine(index, line.product_id, line.quantity, line.unit_price)
        for index, line in enumerate(request.lines)
    ]
    found = target.shopping_list
    offers: list[rules.Offer] = []
    redeemed: dict[str, int] = {}
    if found is not None:
        rows = con.execute(_OFFERS_SQL, (found.list_id,)).fetchall()
        deals = sorted({str(row[1]) for row in rows})
        scope = _scope_in_basket(con, deals, {line.product_id for line in basket})
        redeemed = _redeemed(con, target.household_id, deals)
        offers = [
            rules.Offer(
                found.list_id,
                number,
                deal,
                frozenset(scope.get(deal, ())),
                kind,
                Decimal(value) if value is not None else None,
                buy_x,
                get_y,
                limit,
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
            )
            for number, deal, _, kind, value, buy_x, get_y, limit, start, end in rows
        ]
    done, missed = rules.redeem(offers, basket, redeemed, day)
    by_line = {r.basket_index: r for r in done}
    lines = []
    for line in basket:
        taken = by_line.get(line.index)
        discount = taken.discount if taken else Decimal("0.00")
        lines.append(
            AppliedLine(
                index=line.index,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.unit_price * line.quantity - discount,
                discount=discount,
                deal_id=taken.deal_id if taken else None,
                line_number=taken.line_number if taken else None,
                redemptions=taken.redemptions if taken else 0,
            )
        )
    discount_total = sum((line.discount for line in lines), Decimal("0.00"))
    return target.household_id, TransactionOut(
        transaction_id=request.transaction_id,
        store_id=request.store_id,
        list_id=found.list_id if found else None,
        occurred_at=request.occurred_at,
        lines=lines,
        discount_total=discount_total,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        not_applied=[
            NotAppliedOut(line_number=m.line_number, deal_id=m.deal_id, reason=m.reason)
            for m in missed
        ],
    )


def _scope_in_basket(
    con: sqlite3.Connection, deals: Sequence[str], products: set[int]
) -> dict[str, set[int]]:
    """For each deal, the basket's products in its scope."""
    if not deals or not products:
        return {}
    deal_marks, product_marks = ",".join("?" * len(deals)), ",".join("?" * len(products))
    rows = con.execute(
        f"SELECT deal_id, product_id FROM deal_product WHERE deal_id IN ({deal_marks})"
        f" AND product_id IN ({product_marks})",
        (*deals, *sorted(products)),
    ).fetchall()
    scope: dict[str, set[int]] = {}
    for deal, product in rows:
        scope.setdefault(str(deal), set()).add(int(product))
    return scope


def _record_sale(
    con: sqlite3.Connection,
    target_household: int,
    request: TransactionIn,
    answer: TransactionOut,
    digest: str,
) -> None:
    at = request.occurred_at.isoformat(timespec="seconds")
    sale_id = con.execute(
        "INSERT INTO sale (store_id, transaction_id, lane, household_id, list_id, occurred_at,"
        " received_at, request_sha256, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request.store_id,
            request.transaction_id,
            request.lane,
            target_household,
            answer.list_id,
            at,
            now_text(),
            digest,
            answer.model_dump_json(),
        ),
    ).lastrowid
    con.executemany(
        "INSERT INTO sale_line (sale_id, line_index, product_id, quantity, unit_cents)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (sale_id, i, line.product_id, line.quantity, int(line.unit_price * CENTS))
            for i, line in enumerate(request.lines)
        ],
    )
    con.executemany(
        "INSERT INTO redemption (sale_id, line_index, void_row, household_id, deal_id, list_id,"
        " line_number, redemptions, discount_cents, at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                sale_id,
                line.index,
                target_household,
                line.deal_id,
                answer.list_id,
                line.line_number,
                line.redemptions,
                int(line.discount * CENTS),
                at,
            )
            for line in answer.lines
            if line.deal_id is not None
        ],
    )


def _reverse(
    con: sqlite3.Connection,
    sale_id: int,
    household_id: int,
    transaction_id: str,
    request: VoidIn,
    digest: str,
) -> VoidOut:
    sold = {
        int(index): (int(product), int(quantity), Decimal(cents) / CENTS)
        for index, product, quantity, cents in con.execute(
            "SELECT line_index, product_id, quantity, unit_cents FROM sale_line WHERE sale_id = ?",
            (sale_id,),
        )
    }
    returned_before: dict[int, int] = {
        int(index): int(units)
        for index, units in con.execute(
            "SELECT l.line_index, sum(l.quantity) FROM void_line AS l"
            " JOIN void AS v ON v.void_row = l.void_row WHERE v.sale_id = ? GROUP BY 1",
            (sale_id,),
        )
    }
    wanted = _returned_units(request, sold, returned_before)
    entries = {
        int(row[0]): row[1:]
        for row in con.execute(
            "SELECT line_index, deal_id, list_id, line_number, sum(redemptions),"
            " sum(discount_cents), sum(CASE WHEN void_row IS NULL THEN redemptions END),"
            " sum(CASE WHEN void_row IS NULL THEN discount_cents END)"
            " FROM redemption WHERE sale_id = ? GROUP BY 1, 2, 3, 4",
            (sale_id,),
        )
    }
    now = now_text()
    void_row = con.execute(
        "INSERT INTO void (sale_id, void_id, received_at, request_sha256, answer)"
        " VALUES (?, ?, ?, ?, '')",
        (sale_id, request.void_id, now, digest),
    ).lastrowid
    lines = []
    for index, units in sorted(wanted.items()):
        product, quantity, price = sold[index]
        con.execute(
            "INSERT INTO void_line (void_row, line_index, quantity) VALUES (?, ?, ?)",
            (void_row, index, units),
        )
        count, cents = 0, 0
        entry = entries.get(index)
        if entry is not None:
            deal, list_id, number, left_count, left_cents, first_count, first_cents = entry
            first = rules.Redemption(
                index, list_id, number, deal, first_count, Decimal(first_cents) / CENTS
            )
            line = rules.BasketLine(index, product, quantity, price)
            total_back = rules.reverse(first, line, returned_before.get(index, 0) + units)
            count = total_back.redemptions - (first_count - left_count)
            cents = int(total_back.discount * CENTS) - (first_cents - left_cents)
            if count or cents:
                con.execute(
                    "INSERT INTO redemption (sale_id, line_index, void_row, household_id,"
                    " deal_id, list_id, line_number, redemptions, discount_cents, at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sale_id, index, void_row, household_id, deal, list_id, number, -count,
                     -cents, now),
                )  # fmt: skip
        reversed_dollars = Decimal(cents) / CENTS
        lines.append(
            ReversedLine(
                index=index,
                product_id=product,
                returned=units,
                redemptions_reversed=count,
                discount_reversed=reversed_dollars,
                refund=price * units - reversed_dollars,
            )
        )
    answer = VoidOut(
        transaction_id=transaction_id,
        void_id=request.void_id,
        lines=lines,
        refund_total=sum((line.refund for line in lines), Decimal("0.00")),
        discount_reversed_total=sum((line.discount_reversed for line in lines), Decimal("0.00")),
    )
    con.execute(
        "UPDATE void SET answer = ? WHERE void_row = ?", (answer.model_dump_json(), void_row)
    )
    return answer


def _returned_units(
    request: VoidIn,
    sold: dict[int, tuple[int, int, Decimal]],
    returned_before: dict[int, int],
) -> dict[int, int]:
    """Units coming back per sale line; refuses a line the sale lacks or more units
    than are left of it, naming the request field."""
    left = {index: q - returned_before.get(index, 0) for index, (_, q, _) in sold.items()}
    if request.lines is None:
        wanted = {index: units for index, units in left.items() if units > 0}
        if not wanted:
            raise ConflictError("every unit of this transaction was returned already")
        return wanted
    wanted = {}
    for position, line in enumerate(request.lines):
        field = f"lines[{position}]"
        if line.index not in sold:
            raise CheckoutError(f"{field}.index {line.index}: the sale has no such line")
        if line.index in wanted:
            raise CheckoutError(f"{field}.index {line.index}: named twice in one void")
        if line.quantity > left[line.index]:
            raise CheckoutError(
                f"{field}.quantity {line.quantity}: only {left[line.index]} of line"
                f" {line.index} can still be returned"
            )
        wanted[line.index] = line.quantity
    return wanted


def _refused(
    con: sqlite3.Connection,
    lane: Lane,
    action: str,
    subject: str,
    refused: CheckoutError,
    digest: str,
) -> None:
    """Log a refused change (its own write transaction; the refused one rolled back)."""
    with writing(con):
        audit(con, lane, action, subject, f"refused ({refused.status}): {refused}", digest)

"""The service in its own processes, as the lanes meet it: kill -9 in the middle of the
traffic, and lanes racing for the same transaction id and the last unit of a limit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx2 as httpx
import pytest

from offers.pos.ledger import open_ledger
from tests.pos.conftest import (
    DAY,
    HAND_CHECKED,
    HOUSEHOLD_1_CODE,
    HOUSEHOLD_2_CARD,
    Published,
    basket,
)
from tests.pos.service import free_port, serving

pytestmark = pytest.mark.slow

SALES = 240
KILL_AFTER = 60
"""Acknowledged sales before the kill -9."""


def _sale(number: int) -> dict[str, Any]:
    code = HOUSEHOLD_1_CODE if number % 2 else HOUSEHOLD_2_CARD
    lines = HAND_CHECKED if number % 2 else [(202, 2, "2.79"), (401, 1, "24.99")]
    return basket(f"F{number}", lines, code=code).model_dump(mode="json")


def test_every_acknowledged_sale_survives_kill_9_and_none_applies_twice(
    published: Published,
) -> None:
    headers = {"Authorization": f"Bearer {published.key_1}"}
    acked: dict[str, Any] = {}
    lock = threading.Lock()
    port = free_port()
    with serving(published.path, port=port) as service:

        def send(number: int) -> None:
            request = _sale(number)
            try:
                answer = httpx.post(
                    f"{service.url}/v1/transactions", json=request, headers=headers, timeout=5
                )
            except httpx.TransportError:
                return  # not acknowledged: the lane will retry
            assert answer.status_code == 200, answer.text
            with lock:
                acked[request["transaction_id"]] = answer.json()

        with ThreadPoolExecutor(4) as lanes:
            sent = [lanes.submit(send, n) for n in range(SALES)]
            while len(acked) < KILL_AFTER:
                time.sleep(0.001)
            service.kill()  # mid-stream: some sales are in flight
            for future in sent:
                future.result()
    first_answers = dict(acked)
    assert KILL_AFTER <= len(first_answers) < SALES
    with serving(published.path, port=port) as service, httpx.Client(headers=headers) as lane:
        for number in range(SALES):
            request = _sale(number)
            tx = request["transaction_id"]
            if tx in first_answers and number % 3:
                continue  # retry every unacknowledged sale and a third of the others
            answer = lane.post(f"{service.url}/v1/transactions", json=request, timeout=10)
            assert answer.status_code == 200, answer.text
            if tx in first_answers:
                assert answer.json() == first_answers[tx]  # the same answer, no new discount
            acked[tx] = answer.json()
    ledger = open_ledger(published.path)
    sales = ledger.execute("SELECT transaction_id FROM sale").fetchall()
    assert sorted(tx for (tx,) in sales) == sorted(acked)  # every one there, once
    discounts = sum(Decimal(answer["discount_total"]) for answer in acked.values())
    cents = ledger.execute("SELECT sum(discount_cents) FROM redemption").fetchone()[0]
    assert Decimal(cents) / 100 == discounts  # nothing applied twice
    for deal, limit, used in ledger.execute(
        "SELECT o.deal_id, o.limit_per_household, sum(e.redemptions) FROM redemption AS e"
        " JOIN offer AS o ON o.list_id = e.list_id AND o.line_number = e.line_number GROUP BY 1, 2"
    ):
        assert used <= limit, deal


def test_racing_lanes_get_one_sale_and_one_last_unit(published: Published) -> None:
    headers = {"Authorization": f"Bearer {published.key_1}"}
    racers = 24
    with serving(published.path, workers=2) as service:
        gate = threading.Barrier(racers)

        def post(request: dict[str, Any]) -> httpx.Response:
            with httpx.Client(headers=headers, timeout=30) as lane:
                lane.get(f"{service.url}/health")  # connected before the gate opens
                gate.wait()
                return lane.post(f"{service.url}/v1/transactions", json=request)

        same = basket("RACE", HAND_CHECKED).model_dump(mode="json")
        with ThreadPoolExecutor(racers) as pool:
            answers = list(pool.map(post, [same] * racers))
        assert {a.status_code for a in answers} == {200}
        assert len({a.text for a in answers}) == 1  # one answer, whoever won
        last_unit = [
            basket(f"LAST-{n}", [(101, 1, "8.99")], at=DAY).model_dump(mode="json")
            for n in range(racers)
        ]
        ledger = open_ledger(published.path)
        ledger.execute("DELETE FROM redemption WHERE deal_id = 'TYLENOL-150'")  # one unit left
        gate.reset()
        with ThreadPoolExecutor(racers) as pool:
            answers = list(pool.map(post, last_unit))
    assert {a.status_code for a in answers} == {200}
    winners = [a for a in answers if a.json()["lines"][0]["deal_id"] == "TYLENOL-150"]
    assert len(winners) == 1
    reasons = {a.json()["not_applied"][0]["reason"] for a in answers if a not in winners}
    assert reasons == {"limit reached"}
    assert ledger.execute("SELECT count(*) FROM sale WHERE transaction_id = 'RACE'").fetchone() == (
        1,
    )
    assert ledger.execute(
        "SELECT sum(redemptions) FROM redemption WHERE deal_id = 'TYLENOL-150'"
    ).fetchone() == (1,)

"""Checkout latency: 50 lanes on loopback against 50,000 published lists, each lane sending
a request every 250 ms (200 requests/s in all) for 60 s, in turn a lookup, a 30-line
transaction and a call of the trivial /health endpoint (the floor: the same server under
the same load); then rising rates until p99 passes 50 ms, for the highest rate the
service sustains.

    .venv/bin/python -m benchmarks.pos [--households 66500] [--seconds 60] [--workers 1]

The lists come from the real pipeline: a synthetic store of --households (about 3 in 4
get a list) is generated, loaded and planned once into bench-data/, and published to a
ledger there. The service runs as `offers serve` in its own processes; the lanes are
asyncio tasks in this process with one keep-alive connection each. Latency is measured
from when a request was due, so a late send counts against the service.
Targets: lookup p99 <= 5 ms, transaction p99 <= 15 ms, both within 2x of the floor's p99.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvloop

from benchmarks.plan import store_with_deals
from benchmarks.segments import AS_OF
from offers.barcodes import list_payload
from offers.engine import plan
from offers.pos.ledger import add_key, open_ledger
from offers.pos.publish import publish
from tests.pos.service import serving

LANES = 50
PERIOD = 0.25
"""Seconds between one lane's requests."""
BASKET_LINES = 30
KINDS = ("lookup", "transaction", "health")


@dataclass
class Lane:
    """A lane's store key and the published lists of that store."""

    key: str
    store_id: int
    lists: list[int]
    day: dt.date
    offer_products: dict[int, list[int]]
    products: list[int]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: int = 0
    seconds: float = 0.0


def published_ledger(data: Path, households: int) -> tuple[Path, int]:
    """A ledger holding the run of a synthetic store of `households` (made once)."""
    ledger = data / f"pos-{households}.ledger.sqlite"
    if ledger.exists():
        existing = open_ledger(ledger)
        lists = existing.execute("SELECT count(*) FROM list").fetchone()[0]
        existing.close()
        return ledger, int(lists)
    con, db, _ = store_with_deals(data, households, 200, "pos")
    print(f"planning {households:,} households ...")
    run = plan(con, AS_OF)
    building = ledger.with_name(ledger.name + ".part")
    for leftover in data.glob(building.name + "*"):
        leftover.unlink()
    print(f"publishing {run.lists:,} lists ...")
    target = open_ledger(building)
    publish(con, target, run.run_id)
    target.close()  # the last connection out folds the WAL into the file
    con.close()
    db.unlink()
    shutil.move(building, ledger)
    return ledger, run.lists


def lanes(ledger_path: Path) -> list[Lane]:
    """LANES lanes spread over the stores, each with a key for its store."""
    ledger = open_ledger(ledger_path)
    stores: dict[int, list[int]] = {}
    for list_id, store in ledger.execute("SELECT list_id, store_id FROM list ORDER BY list_id"):
        stores.setdefault(int(store), []).append(int(list_id))
    first_day = dt.date.fromisoformat(
        ledger.execute("SELECT min(valid_from) FROM list").fetchone()[0]
    )
    scope: dict[int, list[int]] = {}
    for list_id, product in ledger.execute(
        "SELECT o.list_id, min(d.product_id) FROM offer AS o"
        " JOIN deal_product AS d ON d.deal_id = o.deal_id GROUP BY o.list_id, o.deal_id"
    ):
        scope.setdefault(int(list_id), []).append(int(product))
    products = [int(p) for (p,) in ledger.execute("SELECT DISTINCT product_id FROM deal_product")]
    keys = {store: add_key(ledger, store, "benchmark") for store in stores}
    ordered = sorted(stores)
    return [
        Lane(keys[s], s, stores[s], first_day + dt.timedelta(days=2), scope, products)
        for s in (ordered[i % len(ordered)] for i in range(LANES))
    ]


def request(lane: Lane, kind: str, rng: random.Random, number: int) -> tuple[str, str, Any]:
    """(method, path, JSON body) of the lane's next request of `kind`."""
    if kind == "health":
        return "GET", "/health", None
    list_id = rng.choice(lane.lists)
    code = list_payload(list_id)
    if kind == "lookup":
        return "GET", f"/v1/codes/{code}?day={lane.day}", None
    wanted = lane.offer_products.get(list_id, [])[:4]
    items = wanted + rng.sample(lane.products, BASKET_LINES - len(wanted))
    lines = [
        {
            "product_id": p,
            "quantity": rng.randint(1, 4),
            "unit_price": f"{rng.uniform(0.5, 12):.2f}",
        }
        for p in items
    ]
    body = {
        "transaction_id": f"bench-{time.time_ns()}-{number}",
        "store_id": lane.store_id,
        "lane": "benchmark",
        "code": code,
        "occurred_at": f"{lane.day}T12:00:00",
        "lines": lines,
    }
    return "POST", "/v1/transactions", body


async def drive(url: str, all_lanes: list[Lane], rate: float, seconds: float) -> Tally:
    """Every lane sends at `rate` requests/s in all for `seconds`; latencies per kind.
    The lanes connect (one keep-alive connection each) before the clock starts."""
    tally = Tally()
    period = len(all_lanes) / rate
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {lane.key}", "Content-Type": "application/json"},
            limits=limits,
        )
        for lane in all_lanes
    ]
    await asyncio.gather(*(client.get("/health") for client in clients))

    def planned(index: int, lane: Lane) -> list[tuple[str, str, str, bytes | None]]:
        """The lane's requests, made before the clock starts: (kind, method, path, body)."""
        rng = random.Random(index)
        made = []
        for number in range(int(seconds / period) + 1):
            kind = KINDS[(index + number) % len(KINDS)]
            method, path, body = request(lane, kind, rng, number)
            made.append((kind, method, path, json.dumps(body).encode() if body else None))
        return made

    plans = [planned(i, lane) for i, lane in enumerate(all_lanes)]
    start = time.perf_counter() + 0.2

    async def run_lane(index: int, client: httpx.AsyncClient) -> None:
        due = start + index * period / len(all_lanes)
        for kind, method, path, body in plans[index]:
            if due >= start + seconds:
                break
            await asyncio.sleep(max(due - time.perf_counter(), 0))
            try:
                answer = await client.request(method, path, content=body, timeout=10)
                if answer.status_code != 200:
                    tally.errors += 1
            except httpx.TransportError:
                tally.errors += 1
            tally.latencies[kind].append(time.perf_counter() - due)
            due += period

    try:
        await asyncio.gather(*(run_lane(i, client) for i, client in enumerate(clients)))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    tally.seconds = time.perf_counter() - start
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=66_500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    args.data.mkdir(exist_ok=True)
    source, lists = published_ledger(args.data, args.households)
    ledger = args.data / "pos-run.ledger.sqlite"
    for old in args.data.glob("pos-run.ledger.sqlite*"):
        old.unlink()
    shutil.copyfile(source, ledger)
    all_lanes = lanes(ledger)
    print(f"{lists:,} published lists; {LANES} lanes; server: {args.workers} process(es)")
    with serving(ledger, workers=args.workers) as service:
        tally = uvloop.run(drive(service.url, all_lanes, LANES / PERIOD, args.seconds))
        floor = percentile(tally.latencies["health"], 0.99)
        print(f"\n{LANES / PERIOD:.0f} requests/s for {args.seconds:.0f} s ({tally.errors} errors)")
        print(f"{'request':<14}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'p99 / floor':>13}")
        for kind in KINDS:
            values = tally.latencies[kind]
            p99 = percentile(values, 0.99)
            print(
                f"{kind:<14}{len(values):>7}{percentile(values, 0.5):>9.2f}{p99:>9.2f}"
                f"{p99 / floor:>12.2f}x"
            )
        print("\nrising rate, p99 of all requests (target: under 50 ms)")
        sustained = 0.0
        rate = 400.0
        while True:
            step = uvloop.run(drive(service.url, all_lanes, rate, args.step_seconds))
            everything = [v for values in step.latencies.values() for v in values]
            p99 = percentile(everything, 0.99)
            achieved = len(everything) / step.seconds
            print(f"  {rate:>6.0f}/s asked, {achieved:>6.0f}/s done, p99 {p99:7.2f} ms,"
                  f" {step.errors} errors")  # fmt: skip
            if p99 >= 50 or achieved < 0.95 * rate or step.errors:
                break
            sustained = rate
            rate += 200
        print(f"highest rate sustained with p99 under 50 ms: {sustained:.0f} requests/s")


if __name__ == "__main__":
    main()

"""Rendering speed: lists per second for a planned run of a 10,000-household synthetic
store, side by side in one run with a floor: a bare reportlab loop in the same number of
worker processes that draws, per page, as many strings (Helvetica) and Code 128 barcodes
as the real lists did on average, saves one file per list, and reads no data.

    .venv/bin/python -m benchmarks.render [--households 10000] [--workers 2] [--repeat 2]

The real figure includes everything `offers render` does: reading the run's lists from
the warehouse, the font check, the wording templates, one PDF per household and the
merged print files per store. Best of `--repeat` runs of each; target: at least 300
lists/s on 2 cores, and within 1.5x of the floor.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.pdfgen.canvas import Canvas

from benchmarks.plan import store_with_deals
from benchmarks.segments import AS_OF
from offers.config import ListSettings
from offers.engine import plan
from offers.lists.documents import list_documents
from offers.lists.pdf import OFFER_BAR_HEIGHT, OFFER_BAR_WIDTH, page_size
from offers.lists.render import RenderResult, render_run

FLOOR_TEXT = "Kellogg's Ready To Eat Cereal 12 OZ"


def floor_pages(folder: str, first: int, pages: list[tuple[int, int]]) -> int:
    """Draw `pages` ((strings, barcodes) each) into one file per page; no data, no
    templates, no fonts beyond Helvetica."""
    size = page_size("letter")
    for number, (strings, barcodes) in enumerate(pages, start=first):
        canvas = Canvas(f"{folder}/{number}.pdf", pagesize=size, pageCompression=1)
        canvas.setFont("Helvetica", 10)
        for i in range(strings):
            canvas.drawString(36, 750 - (i % 60) * 12, FLOOR_TEXT)
        for i in range(barcodes):
            payload = f"{2000100000000000 + number * 100 + i:016d}"
            Code128(
                payload, barWidth=OFFER_BAR_WIDTH, barHeight=OFFER_BAR_HEIGHT, humanReadable=False
            ).drawOn(canvas, 420, 700 - (i % 25) * 28)
        canvas.showPage()
        canvas.save()
    return len(pages)


def floor(lists: int, strings: int, barcodes: int, workers: int, data: Path) -> float:
    """Seconds for the floor to draw `lists` pages holding `strings` and `barcodes` in all
    (spread evenly), in `workers` spawned processes."""
    pages = [
        (strings // lists + (i < strings % lists), barcodes // lists + (i < barcodes % lists))
        for i in range(lists)
    ]
    share = -(-lists // workers)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(floor_pages, folder, start, pages[start : start + share])
                for start in range(0, lists, share)
            ]
            assert sum(f.result() for f in futures) == lists
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data", type=Path, default=Path("bench-data"))
    args = parser.parse_args()
    con, db, _ = store_with_deals(args.data, args.households, args.deals, "render")
    run = plan(con, AS_OF)
    settings = ListSettings()
    started = time.perf_counter()
    docs = list_documents(con, run.run_id, settings)
    reading = time.perf_counter() - started
    print(f"{args.households:,} households; run {run.run_id}: {run.lists:,} lists")
    print(f"reading the lists from the warehouse: {reading:.2f} s (included below)")

    best: RenderResult | None = None
    floor_best = float("inf")
    attempts: list[tuple[float, float]] = []
    for attempt in range(args.repeat):
        out = args.data / f"render-out-{attempt}"
        shutil.rmtree(out, ignore_errors=True)
        result = render_run(con, run.run_id, out, settings, workers=args.workers)
        assert result.rendered == len(docs)
        best = result if best is None or result.seconds < best.seconds else best
        bare = floor(result.lists, result.strings, result.barcodes, args.workers, args.data)
        floor_best = min(floor_best, bare)
        attempts.append((result.seconds, bare))
        shutil.rmtree(out)
    assert best is not None
    rate, floor_rate = best.lists / best.seconds, best.lists / floor_best
    print(
        f"per list: {best.strings / best.lists:.1f} strings, "
        f"{best.barcodes / best.lists:.1f} barcodes; {len(best.print_files)} print files"
    )
    for number, (ours, bare) in enumerate(attempts, start=1):
        print(
            f"attempt {number}: offers render {ours:.2f} s, floor {bare:.2f} s, {ours / bare:.2f}x"
        )
    print(f"{'best of ' + str(len(attempts)):<26}{'seconds':>9}{'lists/s':>10}")
    print(f"{'offers render':<26}{best.seconds:>9.2f}{rate:>10.0f}")
    print(f"{'floor (bare reportlab)':<26}{floor_best:>9.2f}{floor_rate:>10.0f}")
    print(
        f"ratio to floor: {best.seconds / floor_best:.2f}x (target 1.5x); "
        f"{rate:.0f} lists/s on {args.workers} workers (target 300)"
    )
    con.close()
    db.unlink()


if __name__ == "__main__":
    main()

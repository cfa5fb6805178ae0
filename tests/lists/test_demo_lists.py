"""The demo run's printed lists, read back with a real decoder, and a render killed half
way and run again. Slow: the demo store (2,000 households) is generated and planned."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from offers.config import ListSettings
from offers.demo import DemoResult, run_demo
from offers.lists.documents import ListDocument, list_documents
from offers.warehouse import connect
from tests.conftest import ROOT
from tests.lists.reading import page_barcodes, page_count, page_texts

pytestmark = pytest.mark.slow


@dataclass
class Demo:
    db: Path
    result: DemoResult
    docs: list[ListDocument]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "offers.duckdb"
    con = connect(db)
    cwd = Path.cwd()
    os.chdir(ROOT)  # the demo's deal file is named relative to the repository
    try:
        result = run_demo(con, folder / "out")
        docs = list_documents(con, result.run.run_id, ListSettings())
    finally:
        os.chdir(cwd)
        con.close()
    return Demo(db, result, docs)


def _payloads(doc: ListDocument) -> list[tuple[str, str]]:
    codes = [doc.payload] + [line.payload for line in doc.lines if line.payload]
    return sorted(("Code128", code) for code in codes)


def test_a_sample_of_demo_pages_decode_to_exactly_their_payloads(demo: Demo) -> None:
    folder = demo.result.lists.folder
    assert demo.result.lists.lists == len(demo.docs) > 1000
    for doc in random.Random(6).sample(demo.docs, 25):
        path = folder / "lists" / f"{doc.household_id}.pdf"
        found = sorted(code for page in page_barcodes(path) for code in page)
        assert found == _payloads(doc), doc.household_id
        text = "".join(page_texts(path))
        assert f"Card {doc.card_number}" in text
        for line in doc.lines:
            assert (line.description or "") in text


def test_the_print_files_hold_every_list_in_delivery_order(demo: Demo) -> None:
    files = demo.result.lists.print_files
    assert len(files) == len({doc.store_id for doc in demo.docs})
    pages = {path: page_count(path) for path in files}
    assert sum(pages.values()) == sum(
        page_count(demo.result.lists.folder / "lists" / f"{doc.household_id}.pdf")
        for doc in demo.docs
    )
    store = max(files, key=lambda path: pages[path])
    store_id = int(store.stem.removeprefix("store-"))
    expected = [doc for doc in demo.docs if doc.store_id == store_id]
    postal_codes = [doc.postal_code or "" for doc in expected]
    assert postal_codes == sorted(postal_codes)
    texts = page_texts(store)
    first_pages = [text for text in texts if "Your shopping list" in text]
    assert len(first_pages) == len(expected)
    for doc, text in zip(expected[:40], first_pages[:40], strict=True):
        assert f"Card {doc.card_number}" in text
    sample = random.Random(7).sample(range(len(texts)), 8)
    for codes in page_barcodes(store, sample):
        assert codes
        assert all(kind == "Code128" for kind, _ in codes)


def test_a_render_killed_half_way_finishes_the_rest_when_run_again(
    demo: Demo, tmp_path: Path
) -> None:
    out = tmp_path / "lists"
    command = [sys.executable, "-m", "offers", "--db", str(demo.db), "render",
               demo.result.run.run_id, "--out", str(out), "--workers", "1"]  # fmt: skip
    log = tmp_path / "first.log"
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 120
        while len(list((out / "lists").glob("*.pdf"))) < 200:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
    done = {path.name: path.stat().st_mtime_ns for path in (out / "lists").glob("*.pdf")}
    assert 200 <= len(done) < len(demo.docs)
    assert not (out / "print").exists()  # print files come after every list

    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert (
        f"{len(demo.docs):,} lists in {out / 'lists'}; {len(demo.docs) - len(done):,} "
        f"rendered now, {len(done):,} already there"
    ) in " ".join(finished.stdout.split())
    for name, stamp in done.items():
        assert (out / "lists" / name).stat().st_mtime_ns == stamp, name
    assert len(list((out / "lists").glob("*.pdf"))) == len(demo.docs)
    assert not list((out / "lists").glob("*.part"))
    assert sum(page_count(path) for path in (out / "print").glob("*.pdf")) >= len(demo.docs)

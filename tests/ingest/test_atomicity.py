"""A load killed with SIGKILL part-way leaves the warehouse as it was before the load: never
part of a file (a kill that lands after the commit leaves all of it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from offers.ingest import ingest_file
from offers.synthetic import GeneratedStore, generate
from offers.warehouse import connect
from tests.conftest import scalar

LOAD_SCRIPT = """
import sys
from offers.ingest import ingest_file
from offers.warehouse import connect
con = connect(sys.argv[1])
print("loading", flush=True)
ingest_file(con, "scans", sys.argv[2])
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedStore, Path]:
    """About 6 M scan lines as CSV, and a warehouse with their products and households."""
    folder = tmp_path_factory.mktemp("big")
    store = generate(folder / "store", households_count=20_000, weeks=52, seed=3, fmt="csv")
    template = folder / "template.duckdb"
    con = connect(template)
    ingest_file(con, "products", store.products)
    ingest_file(con, "households", store.households)
    con.close()
    return store, template


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 1.5, 3.0])
def test_kill_9_mid_load_leaves_the_warehouse_as_before(
    big_store: tuple[GeneratedStore, Path], tmp_path: Path, kill_after: float
) -> None:
    store, template = big_store
    db = tmp_path / "offers.duckdb"
    shutil.copy(template, db)

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, str(db), str(store.scans)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "loading"
    time.sleep(kill_after)
    assert child.poll() is None, "the load finished before it could be interrupted"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()

    con = connect(db)
    lines = scalar(con, "SELECT count(*) FROM scan_line")
    files = scalar(con, "SELECT count(*) FROM ingested_file")
    assert (lines, files) in {(0, 2), (store.scan_lines, 3)}, "a part of the file was kept"
    assert scalar(con, "SELECT count(*) FROM quarantine") == 0
    if kill_after < 1.0:
        assert (lines, files) == (0, 2), "the load cannot have committed this early"
    # Loading it again completes it, or adds nothing if the kill came after the commit.
    result = ingest_file(con, "scans", store.scans)
    assert result.already_loaded == (files == 3)
    assert scalar(con, "SELECT count(*) FROM scan_line") == store.scan_lines
    con.close()

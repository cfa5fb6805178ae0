"""Random scan rows, malformed ones included, through the SQL rules and the Python reference:
the same verdict for every row; loaded + quarantined = read; no duplicate line loaded."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offers.config import IngestSettings
from offers.ingest import ingest_file
from offers.warehouse import connect
from tests.conftest import TINY
from tests.ingest.reference import COLUMNS, judge

EARLIEST = dt.datetime(1990, 1, 1)
NOW = dt.datetime.now()

ids = st.sampled_from(["1", "2", "3", "5", "77", "1.0", "2.5", "", "x1", "-4"])
products = st.sampled_from(["101", "201", "701", "999", "201.0", "", "abc"])
baskets = st.sampled_from(["5001", "5002", "5003", "1001", "5004.5", "", "b"])
times = st.sampled_from(
    [
        "2017-04-01 10:00:00",
        "2017-04-02 18:30:00",
        "2031-01-01 00:00:00",
        "1985-06-01 12:00:00",
        "2017-13-01 10:00:00",
        "yesterday",
        "",
    ]
)
quantities = st.sampled_from(["1", "2", "-1", "0", "1.5", "3.0", "", "two"])
amounts = st.sampled_from(["3.50", "-3.50", "0", "12", "", "$3", "1,5"])

scan_rows = st.fixed_dictionaries(
    {
        "basket_id": baskets,
        "household_id": ids,
        "store_id": ids,
        "timestamp": times,
        "product_id": products,
        "quantity": quantities,
        "amount_paid": amounts,
    }
)


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with the tiny store loaded, copied afresh for each example."""
    path = tmp_path_factory.mktemp("template") / "tiny.duckdb"
    con = connect(path)
    for kind in ("products", "households", "scans"):
        ingest_file(con, kind, TINY / f"{kind}.csv")
    con.close()
    return path


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(scan_rows, min_size=1, max_size=25))
def test_sql_rules_agree_with_the_reference(
    tiny_template: Path, rows: list[dict[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(tiny_template, Path(folder) / "offers.duckdb")
        con = connect(Path(folder) / "offers.duckdb")
        households = {r[0] for r in con.execute("SELECT household_id FROM household").fetchall()}
        known = {r[0] for r in con.execute("SELECT product_id FROM product").fetchall()}
        loaded = set(con.execute("SELECT basket_id, product_id FROM scan_line").fetchall())
        before = con.execute("SELECT count(*) FROM scan_line").fetchone()
        assert before is not None

        path = Path(folder) / "random.csv"
        path.write_text(_csv_text(rows))
        result = ingest_file(con, "scans", path, IngestSettings(), on_progress=None)

        expected = judge(rows, households, known, loaded, EARLIEST, NOW)
        got = dict(
            ((number, (reason, field)))
            for number, reason, field in con.execute(
                "SELECT row_number, reason, field FROM quarantine"
            ).fetchall()
        )
        for index, verdict in enumerate(expected):
            row_number = index + 2
            if verdict.reason is None:
                assert row_number not in got, (rows[index], got.get(row_number))
            else:
                assert got.get(row_number) == (verdict.reason, verdict.field), rows[index]

        # Nothing lost, nothing counted twice.
        assert result.rows_read == len(rows)
        assert result.rows_loaded + result.rows_quarantined == len(rows)
        after = con.execute("SELECT count(*) FROM scan_line").fetchone()
        assert after is not None
        assert after[0] - before[0] == result.rows_loaded
        duplicates = con.execute(
            "SELECT count(*) FROM (SELECT basket_id, product_id FROM scan_line "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()
        assert duplicates == (0,)
        con.close()

"""Load one source of rows into the warehouse, atomically, once per content.

The rule: every input row is either loaded or quarantined with a reason (loaded +
quarantined = read); the whole source commits in one transaction, so an interruption
(even kill -9) leaves the warehouse as it was; a source whose content hash is already
recorded in `ingested_file` adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources

import duckdb

from offers.config import IngestSettings
from offers.ingest.kinds import Kind
from offers.ingest.source import REJECTS_SCAN, REJECTS_TABLE, Source
from offers.warehouse import midnight, rows, value

Progress = Callable[[str, float], None]
"""Called now and then during a load with the phase ('checking', 'writing') and the
percentage of that phase done (0-100)."""

EXAMPLES_SHOWN = 5

_FIRST_WITH = re.compile(r"^\s*WITH\s", re.IGNORECASE | re.MULTILINE)

_QUARANTINE = resources.files("offers.ingest").joinpath("sql/quarantine.sql").read_text()
_CSV_REJECTED = resources.files("offers.ingest").joinpath("sql/csv_rejected.sql").read_text()
_NO_CSV_REJECTED = """
CREATE TEMP TABLE csv_rejected (
    line BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR, message VARCHAR
)
"""

_RECORD_FILE = """
INSERT INTO ingested_file
VALUES ($file_id, $sha256, $kind, $label, current_timestamp, $read, $loaded, $quarantined)
"""


@dataclass(frozen=True)
class LoadResult:
    """What one load did. `examples` are the first quarantined rows' messages."""

    label: str
    kind: str
    sha256: str
    already_loaded: bool
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    seconds: float
    quarantined_by_reason: Mapping[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0


def bind(sql: str, params: Mapping[str, object]) -> dict[str, object]:
    """The named parameters that `sql` uses, out of `params` (DuckDB rejects extra ones)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def checked_query(kind: Kind, source: Source) -> str:
    """The kind's check, reading the source as its `staged` relation: one WITH query."""
    match = _FIRST_WITH.search(kind.check_sql)
    if match is None:
        raise ValueError(f"the {kind.name} check must be one WITH query")
    rest = kind.check_sql[match.end() :]
    return f"WITH staged AS (\n{source.select_sql}\n),\n{rest}"


def load(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    source: Source,
    settings: IngestSettings,
    *,
    on_progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> LoadResult:
    """Check every row of `source` as `kind`, write the good ones and quarantine the rest.

    Input: the source's rows (see offers.ingest.source). Output: the LoadResult; in the
    warehouse, the kind's tables gain the good rows, `quarantine` one row per rejected
    row (file, row number, field, value, reason, message) and `ingested_file` the source.
    """
    started = time.perf_counter()
    known = rows(
        con,
        "SELECT rows_read FROM ingested_file WHERE file_sha256 = $sha256",
        {"sha256": source.sha256},
    )
    if known:
        return LoadResult(
            source.label, kind.name, source.sha256, True, int(known[0][0]), 0, 0,
            time.perf_counter() - started,
        )  # fmt: skip

    latest = now or dt.datetime.now()
    params: dict[str, object] = {
        **source.params,
        "sha256": source.sha256,
        "kind": kind.name,
        "label": source.label,
        "earliest": midnight(settings.earliest_scan),
        "latest": latest,
    }
    watcher = _ProgressWatcher(con, on_progress)
    con.execute("BEGIN TRANSACTION")
    try:
        params["file_id"] = int(
            value(con, "SELECT coalesce(max(file_id), 0) + 1 FROM ingested_file")
        )
        params["first_row"] = source.first_row
        con.execute(f"DROP TABLE IF EXISTS {REJECTS_TABLE}")
        con.execute(f"DROP TABLE IF EXISTS {REJECTS_SCAN}")
        con.execute("DROP TABLE IF EXISTS checked")
        con.execute("DROP TABLE IF EXISTS csv_rejected")
        query = "CREATE TEMP TABLE checked AS\n" + checked_query(kind, source)
        with watcher.phase("checking"):
            con.execute(query, bind(query, params))
            for rule in kind.rules:
                con.execute(rule, bind(rule, params))
        read, rows_loaded, first_rowid = rows(
            con,
            "SELECT count(*), count(*) FILTER (WHERE reason IS NULL), min(rowid) FROM checked",
        )[0]
        # Rows of a table made in an open transaction are numbered from a large base.
        params["first_rowid"] = int(first_rowid or 0)
        con.execute(_CSV_REJECTED if source.csv_rejects else _NO_CSV_REJECTED)
        rows_read = int(read) + int(value(con, "SELECT count(*) FROM csv_rejected"))
        con.execute(_QUARANTINE, bind(_QUARANTINE, params))
        with watcher.phase("writing"):
            for statement in kind.write_sql:
                con.execute(statement, bind(statement, params))
        params.update(read=rows_read, loaded=rows_loaded, quarantined=rows_read - rows_loaded)
        con.execute(_RECORD_FILE, bind(_RECORD_FILE, params))
        by_reason = dict(
            rows(
                con,
                "SELECT reason, count(*) FROM quarantine WHERE file_id = $file_id "
                "GROUP BY reason ORDER BY count(*) DESC, reason",
                {"file_id": params["file_id"]},
            )
        )
        examples = tuple(
            f"row {row_number}: {message}"
            for row_number, message in rows(
                con,
                "SELECT row_number, message FROM quarantine WHERE file_id = $file_id "
                "ORDER BY row_number LIMIT $limit",
                {"file_id": params["file_id"], "limit": EXAMPLES_SHOWN},
            )
        )
        con.execute("DROP TABLE checked")
        con.execute("DROP TABLE csv_rejected")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return LoadResult(
        label=source.label,
        kind=kind.name,
        sha256=source.sha256,
        already_loaded=False,
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        rows_quarantined=rows_read - rows_loaded,
        seconds=time.perf_counter() - started,
        quarantined_by_reason=by_reason,
        examples=examples,
    )


class _ProgressWatcher:
    """Polls DuckDB's progress for the running statement and passes it to a callback."""

    interval = 0.2

    def __init__(self, con: duckdb.DuckDBPyConnection, callback: Progress | None) -> None:
        self._con = con
        self._callback = callback
        if callback is not None:
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            con.execute("SET progress_bar_time = 0")

    def phase(self, name: str) -> _Phase:
        return _Phase(self, name)


class _Phase:
    def __init__(self, watcher: _ProgressWatcher, name: str) -> None:
        self._watcher = watcher
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> None:
        if self._watcher._callback is None:
            return
        self._watcher._callback(self._name, 0.0)
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        callback = self._watcher._callback
        assert callback is not None
        while not self._stop.wait(self._watcher.interval):
            try:
                percent = self._watcher._con.query_progress()
            except duckdb.Error:
                return
            if percent >= 0:
                callback(self._name, min(percent, 100.0))

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            callback = self._watcher._callback
            assert callback is not None
            callback(self._name, 100.0)

"""The live ledger: published lists, lane keys, sales, voids, redemptions and the audit
log, in one SQLite file in WAL mode beside the warehouse.

Why not the warehouse: DuckDB lets one process write, and the lanes must be served
while a plan runs and by several service processes at once. SQLite in WAL mode has any
number of readers beside one writer at a time, and a writer that waits its turn
(`busy_timeout`). Every change is one `BEGIN IMMEDIATE` transaction (`writing`), so
two lanes racing for the same transaction id or the last unit of a limit are served one
after the other. A commit is in the WAL file when the lane gets its answer
(`synchronous=NORMAL`): an acknowledged sale survives kill -9 of the service; the WAL is
flushed to the disk at each checkpoint, so a power cut may lose the sales since the last
one (the lanes keep their own journal and post again; `synchronous=FULL`, a flush per
commit, measured 2.8x the floor's p99 in benchmarks/pos.py instead of 1.8x).

Schema: `offers/sql/ledger/schema.sql`. The warehouse gets the sales back through
`offers.pos.sync`; lists come in through `offers.pos.publish`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import secrets
import sqlite3
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
"""Milliseconds a writer waits for another process's write to finish."""

LEDGER_SUFFIX = ".ledger.sqlite"
WRITER_LOCK_SUFFIX = "-writer"
"""The writer lock file beside the ledger (offers.ledger.sqlite-writer)."""


class LedgerError(Exception):
    """The ledger file cannot be opened or a key is unknown; the message says why."""


@dataclass(frozen=True)
class Lane:
    """Who is asking: a lane key's store (the only store it may read or write) and lane
    name, or staff at the command line (`staff`: any store, e.g. `STAFF`)."""

    store_id: int | None
    lane: str
    actor: str
    staff: bool = False


STAFF = Lane(None, "", "cli", staff=True)


def default_path(warehouse: Path) -> Path:
    """The ledger beside a warehouse file: offers.duckdb -> offers.ledger.sqlite."""
    return warehouse.with_name(warehouse.stem + LEDGER_SUFFIX)


class _Connection(sqlite3.Connection):
    """A ledger connection with its own handle on the ledger's writer lock file."""

    writer_lock: int | None = None


def open_ledger(path: Path, *, checkpoints: bool = True) -> sqlite3.Connection:
    """Open (or create) the ledger at `path` for this thread, in WAL mode, its schema in
    place. The connection is in autocommit mode: changes go through `writing`. With
    `checkpoints` False its commits never fold the WAL into the file themselves (the
    service leaves that to `checkpoint`, off the lanes' path)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=_Connection,
        )
        lock = os.open(path.with_name(path.name + WRITER_LOCK_SUFFIX), os.O_RDWR | os.O_CREAT)
        con.writer_lock = lock
        weakref.finalize(con, os.close, lock)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not checkpoints:
            con.execute("PRAGMA wal_autocheckpoint=0")
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            with writing(con):
                if con.execute("PRAGMA user_version").fetchone()[0] == 0:
                    for statement in _schema_statements():
                        con.execute(statement)
                    con.execute(
                        "INSERT INTO ledger_meta (ledger_id, created_at) VALUES (?, ?)",
                        (str(uuid.uuid4()), now_text()),
                    )
                    con.execute("PRAGMA user_version=1")
    except (sqlite3.Error, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LedgerError(f"{path}: cannot open the ledger: {reason}") from exc
    return con


def _schema_statements() -> list[str]:
    text = resources.files("offers").joinpath("sql/ledger/schema.sql").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def writing(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: BEGIN IMMEDIATE takes SQLite's write lock, COMMIT on
    success, ROLLBACK on any error. Writers first queue on the writer lock file (flock:
    threads and processes alike, each woken the moment the one before is done), because
    SQLite's own wait for a busy lock sleeps 1, 2, 5, 10 ... ms between tries, which a
    lane would feel."""
    lock = getattr(con, "writer_lock", None)
    if lock is not None:
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
    finally:
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)


def checkpoint(con: sqlite3.Connection) -> None:
    """Fold what the WAL holds into the ledger file as far as readers allow, without
    waiting for or blocking anyone (a passive checkpoint); another process's checkpoint
    under way is left to finish."""
    with contextlib.suppress(sqlite3.OperationalError):
        con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def ledger_id(con: sqlite3.Connection) -> str:
    """This ledger's id, made when the file was created."""
    return str(con.execute("SELECT ledger_id FROM ledger_meta").fetchone()[0])


def now_text() -> str:
    """The local time now as the ledger writes it (seconds)."""
    return dt.datetime.now().replace(microsecond=0).isoformat()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def add_key(con: sqlite3.Connection, store_id: int, lane: str | None = None) -> str:
    """A new key for a store's lanes (or one lane); only its hash is kept, so the key is
    shown once, here."""
    key = secrets.token_urlsafe(24)
    with writing(con):
        con.execute(
            "INSERT INTO lane_key (key_sha256, store_id, lane, created_at) VALUES (?, ?, ?, ?)",
            (sha256_text(key), store_id, lane, now_text()),
        )
        audit(con, STAFF, "add key", f"store {store_id}", "applied")
    return key


def revoke_keys(con: sqlite3.Connection, store_id: int) -> int:
    """Refuse every key of a store from now on; the number revoked."""
    with writing(con):
        done = con.execute(
            "UPDATE lane_key SET revoked_at = ? WHERE store_id = ? AND revoked_at IS NULL",
            (now_text(), store_id),
        ).rowcount
        audit(con, STAFF, "revoke keys", f"store {store_id}", "applied")
    return int(done)


def lane_for_key(con: sqlite3.Connection, key: str) -> Lane | None:
    """The lane a key speaks for, or None for an unknown or revoked key."""
    row = con.execute(
        "SELECT key_id, store_id, lane FROM lane_key WHERE key_sha256 = ? AND revoked_at IS NULL",
        (sha256_text(key),),
    ).fetchone()
    if row is None:
        return None
    return Lane(int(row[1]), row[2] or "", f"key {row[0]}")


def audit(
    con: sqlite3.Connection,
    lane: Lane,
    action: str,
    subject: str,
    outcome: str,
    request_sha256: str | None = None,
) -> None:
    """Append to the audit log, inside the caller's write transaction."""
    con.execute(
        "INSERT INTO audit (at, actor, store_id, action, subject, outcome, request_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now_text(), lane.actor, lane.store_id, action, subject, outcome, request_sha256),
    )

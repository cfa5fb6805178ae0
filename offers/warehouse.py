"""The warehouse: one DuckDB file holding products, households, scan lines and deals.

`connect` opens (or creates) the file and brings its schema up to date by applying,
in order, every migration in `offers/sql/schema/NNNN_name.sql` that the file has not
had yet. Each migration runs in its own transaction and is recorded in
`schema_version`, so a warehouse made by an older version of `offers` opens in a newer
one, and an interrupted upgrade leaves the file at the last complete version.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

DEFAULT_DB = "offers.duckdb"
DB_ENV_VAR = "OFFERS_DB"

_SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
)
"""


class WarehouseError(Exception):
    """The warehouse file cannot be opened or upgraded; the message says why."""


@dataclass(frozen=True)
class Migration:
    """One forward step of the schema: `version` N, from file `NNNN_name.sql`."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """All schema migrations shipped with this version, oldest first."""
    folder = resources.files("offers").joinpath("sql/schema")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text()))
    found.sort(key=lambda m: m.version)
    return found


def resolve_path(db: str | Path | None) -> Path:
    """The warehouse file: `db` if given, else $OFFERS_DB, else ./offers.duckdb."""
    if db is not None:
        return Path(db)
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest migration applied to this warehouse (0 for an empty file)."""
    con.execute(_SCHEMA_VERSION_DDL)
    return int(value(con, "SELECT coalesce(max(version), 0) FROM schema_version"))


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[Migration]:
    """Apply the migrations this warehouse lacks (up to version `upto`); return them."""
    current = schema_version(con)
    known = migrations()
    newest = known[-1].version if known else 0
    if current > newest:
        raise WarehouseError(
            f"this warehouse was made by a newer version of offers (schema {current}; "
            f"this program knows up to {newest}). Upgrade offers to open it."
        )
    applied = []
    for migration in known:
        if migration.version <= current or (upto is not None and migration.version > upto):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, current_timestamp)",
                [migration.version, migration.name],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(migration)
    return applied


def connect(db: str | Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (see `resolve_path`), creating and upgrading it as needed."""
    path = resolve_path(db)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise WarehouseError(f"no warehouse at {path}: load some data first (offers ingest ...)")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise WarehouseError(f"cannot open the warehouse {path}: {exc}") from exc
    # Progress is ours to show (the CLI draws its own bars); DuckDB must not print its own.
    con.execute("SET enable_progress_bar_print = false")
    if not read_only:
        migrate(con)
    return con


def rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> list[tuple[Any, ...]]:
    """All rows of a query (fetched whole, so the connection is free for the next one)."""
    return con.execute(sql, params or {}).fetchall()


def value(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> Any:
    """The single value a one-row, one-column query returns."""
    found = rows(con, sql, params)
    if len(found) != 1 or len(found[0]) != 1:
        raise ValueError(f"expected one value, got {len(found)} rows")
    return found[0][0]


def midnight(day: dt.date) -> dt.datetime:
    """The start of `day`, as the timestamp a query compares scan times with."""
    return dt.datetime.combine(day, dt.time())


def has_scans_before(con: duckdb.DuckDBPyConnection, day: dt.date) -> bool:
    """Whether any scan line is dated before `day`."""
    return bool(
        rows(
            con,
            "SELECT 1 FROM scan_line WHERE scanned_at < $day LIMIT 1",
            {"day": midnight(day)},
        )
    )


@contextmanager
def registered(
    con: duckdb.DuckDBPyConnection, relations: Mapping[str, pl.DataFrame]
) -> Iterator[None]:
    """Frames readable by name in the connection's queries while the block runs (the
    relations a .sql file reads), unregistered after it, even on error."""
    for name, relation in relations.items():
        con.register(name, relation.to_arrow())
    try:
        yield
    finally:
        for name in relations:
            con.unregister(name)


def frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> pl.DataFrame:
    """The result of a query (with named parameters) as a Polars frame."""
    result: pl.DataFrame = con.sql(sql, params=params or {}).pl()
    return result

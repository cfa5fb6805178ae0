"""Where rows come from: a CSV or Parquet file turned into columns with row numbers.

A `Source` is a SELECT producing the relation `staged` that a kind's check reads, in file
order: `surplus` (values past the header's last column, NULL when none), then the kind's
columns: text from a CSV, the file's own types from a Parquet file (the checks accept
either), NULL where the file lacks an optional column. A row's number is its position plus
`first_row`: the header is row 1 of a CSV, so its first row of data is row 2, as a
spreadsheet shows it; the first row of a Parquet file is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from offers.ingest.kinds import Kind

CSV_SUFFIXES = (".csv", ".txt", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
TOML_SUFFIXES = (".toml",)

# Name under which a TOML file's rows are registered with the connection.
TOML_ROWS = "offers_toml_rows"

# Names of the temporary tables DuckDB's CSV reader fills with rows it cannot split.
REJECTS_TABLE = "offers_csv_rejects"
REJECTS_SCAN = "offers_csv_reject_scans"


class IngestError(Exception):
    """A whole file cannot be loaded (missing, unreadable, wrong columns); nothing was written."""


@dataclass(frozen=True)
class Source:
    """Rows of one kind to load: `select_sql` (with `params`) yields the `staged` relation.

    `label` names the source in messages (usually the file path); `sha256` identifies its
    content, so the same content is never loaded twice. `first_row` is the number of the
    first row. `csv_rejects` is True when the SELECT reads a CSV whose unsplittable lines
    land in REJECTS_TABLE (and are missing from the SELECT's rows).
    """

    label: str
    sha256: str
    select_sql: str
    params: Mapping[str, object] = field(default_factory=dict)
    first_row: int = 1
    csv_rejects: bool = False


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, as hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def quote_identifier(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def normalise(name: str) -> str:
    """A header as a column name: 'Basket ID' -> 'basket_id'."""
    return "_".join(name.strip().lstrip("\ufeff").lower().replace("-", " ").split())


def staged_columns(kind: Kind, actual: Mapping[str, str], label: str) -> str:
    """The SELECT list for the kind's columns, given canonical -> actual column names
    (a column the file lacks is a NULL text column).

    Raises IngestError naming the missing required columns.
    """
    missing = [column for column in kind.required if column not in actual]
    if missing:
        found = ", ".join(actual.values()) or "none"
        raise IngestError(
            f"{label}: this {kind.name} file has no column {_join(missing)} "
            f"(its columns: {found}; a {kind.name} file needs {', '.join(kind.required)})"
        )
    parts = []
    for column in kind.columns:
        if column in actual:
            parts.append(f"{quote_identifier(actual[column])} AS {column}")
        else:
            parts.append(f"CAST(NULL AS VARCHAR) AS {column}")
    return ",\n    ".join(parts)


def _join(names: list[str]) -> str:
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def file_source(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path) -> Source:
    """A Source reading `path` (CSV or Parquet, by its suffix) as a file of `kind`."""
    label = str(path)
    if not path.is_file():
        raise IngestError(f"{label}: no such file")
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return _csv_source(con, kind, path, label)
    if name.endswith(PARQUET_SUFFIXES):
        return parquet_source(con, kind, path, {}, label)
    if name.endswith(TOML_SUFFIXES):
        return _toml_source(con, kind, path, label)
    raise IngestError(f"{label}: not a .csv, .parquet or .toml file, so it cannot be read")


def _csv_header(path: Path, label: str) -> list[str]:
    """The header line's column names (only the first line is read and decoded)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            first = handle.readline(1 << 20)
        text = first.decode("utf-8-sig")
    except (UnicodeDecodeError, OSError) as exc:
        raise IngestError(f"{label}: cannot read the header line ({exc})") from exc
    return next(csv.reader([text]), [])


_CSV_OPTIONS = (
    "header = true, delim = ',', quote = '\"', null_padding = true, "
    "auto_type_candidates = ['VARCHAR'], "
    f"store_rejects = true, rejects_table = '{REJECTS_TABLE}', rejects_scan = '{REJECTS_SCAN}'"
)


def _csv_source(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, label: str) -> Source:
    header = _csv_header(path, label)
    if not header or not any(cell.strip() for cell in header):
        raise IngestError(f"{label}: the file is empty (no header line)")
    # The kind's typed columns are parsed by the reader (a value that does not parse is a
    # rejected line); every other column is text.
    types = {
        heading: kind.csv_types[normalise(heading)]
        for heading in header
        if normalise(heading) in kind.csv_types
    }
    params: dict[str, object] = {"path": str(path)}
    options = _CSV_OPTIONS
    if types:
        params["types"] = types
        options += ", types = $types"
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_csv($path, {options})", params
        ).fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"{label}: cannot be read as a CSV file ({exc})") from exc
    names = [row[0] for row in described]
    # The reader names the header's columns as the header does, in order; a column past
    # the header's last (from a row with too many values) is surplus.
    width = len(header)
    actual: dict[str, str] = {}
    for heading, name in zip(header, names[:width], strict=False):
        if normalise(heading) in kind.columns:
            actual.setdefault(normalise(heading), name)
    columns = staged_columns(kind, actual, label)
    extra = [quote_identifier(name) for name in names[width:]]
    surplus = f"nullif(concat_ws(',', {', '.join(extra)}), '')" if extra else "NULL"
    select = (
        f"SELECT\n    CAST({surplus} AS VARCHAR) AS surplus,\n"
        f"    {columns}\n"
        f"FROM read_csv($path, {options})"
    )
    return Source(
        label=label,
        sha256=file_sha256(path),
        select_sql=select,
        params=params,
        first_row=2,
        csv_rejects=True,
    )


def parquet_source(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    renames: Mapping[str, str | None],
    label: str,
) -> Source:
    """A Source reading a Parquet file; `renames` maps the kind's column names to the file's
    where they differ (e.g. {'amount_paid': 'sales_value'}), or to None where a column of
    the same name means something else and must not be read."""
    try:
        described = con.execute(
            "SELECT name FROM parquet_schema($path) WHERE name <> 'schema'", {"path": str(path)}
        ).fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"{label}: not a readable Parquet file ({exc})") from exc
    names = [row[0] for row in described]
    actual = {normalise(name): name for name in names if normalise(name) in kind.columns}
    for column, source_name in renames.items():
        actual.pop(column, None)
        if source_name in names:
            actual[column] = source_name
    columns = staged_columns(kind, actual, label)
    select = (
        f"SELECT\n    CAST(NULL AS VARCHAR) AS surplus,\n    {columns}\nFROM read_parquet($path)"
    )
    return Source(
        label=label, sha256=file_sha256(path), select_sql=select, params={"path": str(path)}
    )


def _toml_source(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, label: str) -> Source:
    """A Source reading a TOML file of tables named for one row of the kind: `[[deal]]` for
    deals, `[[product]]` for products. Row N is the N-th such table. Every value is read as
    text (a list as its items separated by spaces), so the kind's check types it as it
    types a CSV's. A key the kind does not know is an error: in a hand-written file it is
    a typo, and a typo must not silently drop a term of a deal."""
    table = kind.name.removesuffix("s")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"{label}: not a readable TOML file ({exc})") from exc
    entries = raw.get(table)
    unknown_tables = sorted(set(raw) - {table})
    if unknown_tables or not isinstance(entries, list):
        raise IngestError(
            f"{label}: a {kind.name} TOML file holds one [[{table}]] table per {table}"
            + (f"; it also has {', '.join(unknown_tables)}" if unknown_tables else "")
        )
    records: dict[str, list[str | None]] = {column: [] for column in kind.columns}
    for number, entry in enumerate(entries, start=1):
        keys = {normalise(key): key for key in entry}
        unknown = sorted(key for name, key in keys.items() if name not in kind.columns)
        if unknown:
            raise IngestError(
                f"{label}: [[{table}]] number {number} has unknown key(s) {', '.join(unknown)} "
                f"(a {table} takes {', '.join(kind.columns)})"
            )
        for column in kind.columns:
            records[column].append(_as_text(entry[keys[column]]) if column in keys else None)
    # A key missing from one table is that row's missing value, checked with the row.
    rows = pl.DataFrame(records, schema=dict.fromkeys(kind.columns, pl.String))
    con.register(TOML_ROWS, rows.to_arrow())
    columns = ",\n    ".join(kind.columns)
    select = f"SELECT\n    CAST(NULL AS VARCHAR) AS surplus,\n    {columns}\nFROM {TOML_ROWS}"
    return Source(label=label, sha256=file_sha256(path), select_sql=select)


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(_as_text(item) for item in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

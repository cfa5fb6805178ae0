"""Reports for the store's partners: `offers report vendor`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from offers.cli.app import (
    app,
    connect_or_exit,
    console,
    errors,
    fail,
    parse_date,
    settings_or_exit,
    warehouse_path,
)

report_app = typer.Typer(help="Anonymised reports for manufacturers.", no_args_is_help=True)
app.add_typer(report_app, name="report")

Manufacturer = Annotated[int, typer.Option(help="The manufacturer's id.")]
FirstDay = Annotated[str, typer.Option("--from", help="First day of the period.")]
LastDay = Annotated[str, typer.Option("--to", help="Last day of the period (inclusive).")]
Categories = Annotated[
    list[str] | None,
    typer.Option(help="Only this category (repeat for more); default: all it sells in."),
]


@report_app.command("vendor")
def vendor(
    manufacturer: Manufacturer,
    first: FirstDay,
    last: LastDay,
    out: Annotated[Path, typer.Option(help="Folder for report.pdf and the tables.")],
    category: Categories = None,
) -> None:
    """A manufacturer's report: its categories' nine cells and migration, its deals'
    reach and redemptions, and their incremental effect against the holdout, as a PDF
    and as CSV and Parquet tables. No household is named; every figure rests on at least
    min_households households (offers.toml, section reports)."""
    from offers.reports.document import write_report
    from offers.reports.vendor import ReportError, vendor_report

    settings = settings_or_exit()
    con = connect_or_exit()
    try:
        with errors.status(f"making the report for manufacturer {manufacturer} ..."):
            report = vendor_report(
                con,
                manufacturer,
                *_period(first, last),
                settings.reports,
                settings.segments,
                category,
            )
    except ReportError as exc:
        raise fail(str(exc)) from exc
    with errors.status(f"writing {out / 'report.pdf'} and the tables ..."):
        written = write_report(report, out)
    console.print(
        f"report for manufacturer {manufacturer} ({', '.join(report.categories)}):"
        f" {written[0]} and {len(written) - 1} table files in {out}",
        soft_wrap=True,
    )


@report_app.command("extract")
def extract(
    manufacturer: Manufacturer,
    first: FirstDay,
    last: LastDay,
    out: Annotated[Path, typer.Option(help="Folder for extract.csv, .parquet, manifest.json.")],
    category: Categories = None,
) -> None:
    """A row-level extract for a manufacturer's analysts: one row per household and
    category under a pseudonym new to this extract, fields coarsened, every row sharing its
    fields with at least min_households - 1 others. Off unless the store sets row_extract =
    true (offers.toml, section reports); the secret behind the pseudonyms stays with the
    store."""
    from offers.reports.extract import (
        ExtractError,
        record_extract,
        row_extract,
        secret_path,
        store_secret,
        write_extract,
    )
    from offers.reports.vendor import ReportError

    settings = settings_or_exit()
    if not settings.reports.row_extract:
        raise fail(
            "row-level extracts are off; the store turns them on with"
            " row_extract = true under [reports] in offers.toml",
            2,
        )
    con = connect_or_exit()
    secret_file = (
        Path(settings.reports.extract_secret)
        if settings.reports.extract_secret
        else secret_path(warehouse_path())
    )
    try:
        with errors.status(f"making the extract for manufacturer {manufacturer} ..."):
            made = row_extract(
                con,
                manufacturer,
                *_period(first, last),
                store_secret(secret_file),
                settings,
                category,
            )
    except (ReportError, ExtractError) as exc:
        raise fail(str(exc)) from exc
    written = write_extract(made, out)
    record_extract(con, made)
    console.print(
        f"extract {made.extract_id} for manufacturer {manufacturer}: {made.rows.height:,} rows"
        f" in {written[0].parent}; {made.rows_left_out:,} left out (fewer than"
        f" {made.min_households} alike; this figure is for the store, not the manufacturer)",
        soft_wrap=True,
    )


def _period(first: str, last: str) -> tuple[dt.date, dt.date]:
    """--from and --to as dates (a clear exit when either is not a date)."""
    return parse_date(first, "--from"), parse_date(last, "--to")

"""Reports for the store's partners: `offers report vendor`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from offers.cli.app import app, connect_or_exit, console, errors, parse_date, settings_or_exit

report_app = typer.Typer(help="Anonymised reports for manufacturers.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("vendor")
def vendor(
    manufacturer: Annotated[int, typer.Option(help="The manufacturer's id.")],
    first: Annotated[str, typer.Option("--from", help="First day of the period.")],
    last: Annotated[str, typer.Option("--to", help="Last day of the period (inclusive).")],
    out: Annotated[Path, typer.Option(help="Folder for report.pdf and the tables.")],
) -> None:
    """A manufacturer's report: its categories' nine cells and migration, its deals'
    reach and redemptions, and their incremental effect against the holdout, as a PDF
    and as CSV and Parquet tables. No household is named; every figure rests on at least
    [reports] min_households households."""
    from offers.reports.document import write_report
    from offers.reports.vendor import ReportError, vendor_report

    settings = settings_or_exit()
    con = connect_or_exit()
    try:
        report = vendor_report(
            con,
            manufacturer,
            parse_date(first, "--from"),
            parse_date(last, "--to"),
            settings.reports,
            settings.segments,
        )
    except ReportError as exc:
        errors.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    written = write_report(report, out)
    console.print(
        f"report for manufacturer {manufacturer} ({', '.join(report.categories)}):"
        f" {written[0]} and {len(written) - 1} table files in {out}",
        soft_wrap=True,
    )

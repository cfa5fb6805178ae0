"""Commands for segments, value tiers and eligibility."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from offers.cli.app import (
    app,
    connect_or_exit,
    console,
    errors,
    fail,
    parse_date,
    require_scans,
    segments_app,
    settings_or_exit,
    write_parquet,
)


@segments_app.callback(invoke_without_command=True)
def segments(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Segment the 52 weeks before this date.")
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Only this category; prints and draws its 3 x 3 matrix.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Parquet file for the segments.")] = None,
    chart: Annotated[
        Path | None, typer.Option(help="PNG for the matrix (default: beside --out).")
    ] = None,
) -> None:
    """Segment every household x category: national / store loyal or switcher, by usage."""
    if ctx.invoked_subcommand is not None:
        return
    if as_of is None:
        raise typer.BadParameter("give the date to segment as of", param_hint="--as-of")
    from offers.segments import brand_segments, categories, segment_matrix

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, day)
    with errors.status(f"segmenting as of {day} ..."):
        found = brand_segments(con, day, settings.segments, category=category)
    if category is not None and found.is_empty():
        close = [name for name in categories(con) if category.lower() in name.lower()][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise fail(
            f"nobody bought in category '{category}' before {day}{hint}",
        )
    if out is not None:
        write_parquet(found.sort("category", "household_id"), out)
        console.print(f"wrote {found.height:,} household x category rows to {out}")
    counts = found.group_by("brand_segment").len().sort("brand_segment")
    console.print(
        "segments: " + ", ".join(f"{seg} {n:,}" for seg, n in counts.iter_rows()), soft_wrap=True
    )
    if category is None:
        return
    from offers.charts import segment_heatmap

    matrix = segment_matrix(found)
    table = Table(title=f"{category} as of {day}: households / units / spend")
    table.add_column("brand loyalty")
    for usage in ("low", "medium", "high"):
        table.add_column(f"{usage} usage", justify="right")
    for segment in ("national", "switcher", "store"):
        cells = matrix.filter(pl.col("brand_segment") == segment)
        table.add_row(
            segment,
            *(
                f"{r['households']:,} / {r['units']:,} / ${r['spend']:,.2f}"
                for r in cells.iter_rows(named=True)
            ),
        )
    console.print(table)
    picture = chart or (out.with_suffix(".png") if out else Path(f"segments-{category}.png"))
    segment_heatmap(matrix, category, picture)
    console.print(f"matrix drawn in {picture}")


@segments_app.command("migrate")
def segments_migrate(
    from_date: Annotated[str, typer.Option("--from", help="The earlier date.")],
    to_date: Annotated[str, typer.Option("--to", help="The later date.")],
    category: Annotated[str, typer.Option(help="The category.")],
) -> None:
    """How many households moved between brand segments from one date to the other."""
    from offers.segments import brand_segments, migration

    start, end = parse_date(from_date, "--from"), parse_date(to_date, "--to")
    if end <= start:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, end)
    flows = migration(
        brand_segments(con, start, settings.segments, category=category),
        brand_segments(con, end, settings.segments, category=category),
    )
    states = ["national", "switcher", "store", "unsegmented", "not buying"]
    table = Table(title=f"{category}: households from {start} (rows) to {end} (columns)")
    table.add_column("from \\ to")
    for state in states:
        table.add_column(state, justify="right")
    for origin in states:
        cells = []
        for target in states:
            hit = flows.filter(
                (pl.col("from_segment") == origin) & (pl.col("to_segment") == target)
            )
            cells.append(f"{hit['households'].sum():,}" if hit.height else "0")
        table.add_row(origin, *cells)
    console.print(table)


@app.command()
def households(
    as_of: Annotated[str, typer.Option("--as-of", help="Tiers and eligibility as of this date.")],
    out: Annotated[Path | None, typer.Option(help="Parquet file for the households.")] = None,
) -> None:
    """Every household's value tier (A top 1 %, B next 4 %, C next 15 %, D) and eligibility."""
    from offers.segments import value_tiers

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, day)
    tiers = value_tiers(con, day, settings.households)
    if out is not None:
        write_parquet(tiers, out)
        console.print(f"wrote {tiers.height:,} households to {out}")
    summary = (
        tiers.group_by("tier")
        .agg(
            households=pl.len(),
            eligible=pl.col("eligible").sum(),
            spend=pl.col("spend_52w").sum(),
            low=pl.col("spend_52w").min(),
            high=pl.col("spend_52w").max(),
        )
        .sort("tier")
    )
    table = Table(title=f"Value tiers as of {day} (spend over the 52 weeks before)")
    for heading in ("tier", "households", "eligible for a list", "spend", "spend per household"):
        table.add_column(heading, justify="left" if heading == "tier" else "right")
    for row in summary.iter_rows(named=True):
        table.add_row(
            row["tier"],
            f"{row['households']:,}",
            f"{row['eligible']:,}",
            f"${row['spend']:,.2f}",
            f"${row['low']:,.2f} to ${row['high']:,.2f}",
        )
    console.print(table)
    threshold = settings.households.eligible_weekly_spend
    console.print(
        f"{int(tiers['eligible'].sum()):,} of {tiers.height:,} households spend more than "
        f"${threshold:,.2f} a week over the last {settings.households.eligibility_weeks} weeks "
        "and have not opted out: they get a list."
    )

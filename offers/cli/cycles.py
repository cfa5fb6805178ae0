"""Commands for purchase cycles and their backtest."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from offers.cli.app import (
    connect_or_exit,
    console,
    cycles_app,
    errors,
    evaluate_app,
    fail,
    parse_date,
    require_scans,
    settings_or_exit,
    write_parquet,
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

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, day)
    started = time.perf_counter()
    with errors.status(f"predicting every household x {level.value} as of {day} ..."):
        predicted = predict(con, day, horizon, level.value, settings.cycles)
    write_parquet(predicted.sort("household_id", "p_buy", descending=[False, True]), out)
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

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    with errors.status(f"predicting as of {day} ..."):
        predicted = predict(con, day, horizon, level.value, settings.cycles).filter(
            pl.col("household_id") == household
        )
    if predicted.is_empty():
        raise fail(f"household {household} bought nothing before {day}")
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
        {parse_date(part.strip(), "--as-of") for value in as_of for part in value.split(",")}
    )
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, cutoffs[0])
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
        raise fail(str(exc)) from exc
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

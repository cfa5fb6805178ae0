"""Commands for a list cycle: plan it, and judge it against what households then bought."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from offers.cli.app import (
    app,
    connect_or_exit,
    console,
    errors,
    evaluate_app,
    fail,
    parse_date,
    require_scans,
    settings_or_exit,
)


@app.command("plan")
def plan_command(
    as_of: Annotated[str, typer.Option("--as-of", help="First day of the list cycle.")],
    seed: Annotated[
        int | None,
        typer.Option(
            help="Holdout seed (default [plan] seed in offers.toml; keep it to keep "
            "the same holdout)."
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="Plan again a run already planned for this day and seed.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the run summary (default runs/<run id>)."),
    ] = None,
) -> None:
    """Plan a list cycle: every eligible household treated or held out, and each treated
    household's list of offers and reminders; print and write the run summary (HTML)."""
    from offers.engine import PlanError, plan
    from offers.run_summary import summarise, write_summary

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    require_scans(con, day)
    with errors.status("planning ...") as status:
        try:
            result = plan(
                con,
                day,
                settings,
                seed=seed,
                replace=replace,
                on_stage=lambda name: status.update(f"planning: {name} ..."),
            )
        except PlanError as exc:
            raise fail(str(exc)) from exc
    if not result.created:
        console.print(
            f"run {result.run_id} was already planned; nothing changed (--replace plans it again)",
            soft_wrap=True,
        )
    summary = summarise(con, result.run_id)
    console.print(
        f"run {result.run_id}: {result.households_eligible:,} households eligible, "
        f"{result.households_treated:,} treated, {result.households_holdout:,} held out; "
        f"{result.lists:,} lists, {result.lines:,} lines",
        soft_wrap=True,
    )
    table = Table(title="Lists by tier")
    for heading in ("tier", "lists", "lines", "offers", "face value", "per list", "budget"):
        table.add_column(heading, justify="left" if heading == "tier" else "right")
    for row in summary.by_tier.iter_rows(named=True):
        table.add_row(
            row["tier"],
            f"{row['lists']:,}",
            f"{row['lines']:,}",
            f"{row['offers']:,}",
            f"${row['face_value']:,.2f}",
            f"${row['face_per_list']:,.2f}",
            f"${summary.budgets[row['tier']]:,.2f}",
        )
    console.print(table)
    deals = Table(title="Deals: expected cost against cap")
    for heading in ("deal", "lines", "expected redemptions", "expected cost", "cap"):
        deals.add_column(heading, justify="left" if heading == "deal" else "right")
    for row in summary.by_deal.iter_rows(named=True):
        cap = row["budget_cap"]
        deals.add_row(
            row["deal_id"],
            f"{row['lines']:,}",
            f"{row['expected_redemptions']:,.1f}",
            f"${row['expected_cost']:,.2f}",
            f"${cap:,.0f}" if cap is not None else "none",
        )
    console.print(deals)
    page = write_summary(summary, out or Path("runs") / result.run_id)
    console.print(f"summary written to {page}", soft_wrap=True)


@evaluate_app.command("plan")
def evaluate_plan_command(
    as_of: Annotated[str, typer.Option("--as-of", help="As-of day of the planned run.")],
    seed: Annotated[int | None, typer.Option(help="Seed of the run (default [plan] seed).")] = None,
    draws: Annotated[
        int,
        typer.Option(
            min=1,
            help="Deal the random lines out this many times (seeds 0, 1, ...) and "
            "print the range of the ratios.",
        ),
    ] = 1,
) -> None:
    """Did households buy what their lists offered? The engine's hit rates against the
    same deals' lines dealt out at random, on the scans after the run's as-of."""
    from offers.engine import run_id_for
    from offers.evaluate_plan import evaluate_plan
    from offers.runs import RunNotFoundError

    day = parse_date(as_of, "--as-of")
    settings = settings_or_exit()
    con = connect_or_exit()
    run_id = run_id_for(day, settings.plan.seed if seed is None else seed)
    try:
        with errors.status(f"judging run {run_id} against the scans after it ..."):
            found = evaluate_plan(con, run_id)
            again = [evaluate_plan(con, run_id, seed=draw) for draw in range(1, draws)]
    except (RunNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    table = Table(
        title=f"Run {run_id}: {found.households:,} households, {found.offer_lines:,} offer lines"
    )
    for heading in ("measure", "engine", "random lines", "ratio"):
        table.add_column(heading, justify="left" if heading == "measure" else "right")
    for label, engine, random in (
        ("households buying an offered item", found.household_hit_rate,
         found.random_household_hit_rate),
        ("offered items bought", found.line_hit_rate, found.random_line_hit_rate),
        ("households buying in an offer's scope", found.scope_household_hit_rate,
         found.random_scope_household_hit_rate),
        ("offers bought in scope", found.scope_line_hit_rate, found.random_scope_line_hit_rate),
    ):  # fmt: skip
        ratio = f"{engine / random:.2f}x" if random > 0 else "-"
        table.add_row(label, f"{engine:.1%}", f"{random:.1%}", ratio)
    console.print(table)
    if again:
        every = [found, *again]
        households = [f.household_ratio for f in every]
        lines = [f.line_ratio for f in every]
        console.print(
            f"over {draws} draws of the random lines (seeds 0-{draws - 1}): households "
            f"{min(households):.2f}x to {max(households):.2f}x, offered items "
            f"{min(lines):.2f}x to {max(lines):.2f}x"
        )

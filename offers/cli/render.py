"""The command that prints a run's lists: one file per household and a print file per
store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from offers.cli.app import app, connect_or_exit, console, errors, fail, settings_or_exit


@app.command("render")
def render_command(
    run: Annotated[str, typer.Argument(help="The run id, e.g. 2017-12-31-seed1.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default runs/<run id>).")] = None,
    format: Annotated[str, typer.Option("--format", help="pdf or html.")] = "pdf",
    workers: Annotated[
        int, typer.Option(min=1, help="Processes drawing in parallel (default: the cores).")
    ] = max(os.cpu_count() or 1, 1),
    paper: Annotated[
        str | None, typer.Option(help="letter or a4 (default [lists] page_size).")
    ] = None,
    restart: Annotated[
        bool,
        typer.Option(help="Empty a folder rendered from another run or wording and start again."),
    ] = False,
) -> None:
    """Render the run's lists: out/lists/<household>.pdf (or .html) and, for PDF,
    out/print/store-<store>.pdf in delivery order. Run again after an interruption to
    finish the rest; lists already rendered are kept."""
    from offers.lists.fonts import FontError
    from offers.lists.pdf import PageSizeError
    from offers.lists.render import RenderError, render_run
    from offers.lists.rewards import RewardError
    from offers.lists.wording import WordingError
    from offers.runs import RunNotFoundError

    settings = settings_or_exit()
    con = connect_or_exit()
    folder = out or Path("runs") / run
    bar = Progress(
        TextColumn("rendering lists"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    )
    task = bar.add_task("render", total=None)

    def progress(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        result = render_run(
            con,
            run,
            folder,
            settings.lists,
            format=format,
            workers=workers,
            paper=paper,
            restart=restart,
            on_progress=progress,
        )
    except (
        RunNotFoundError, RenderError, FontError, PageSizeError, RewardError, WordingError
    ) as exc:  # fmt: skip
        raise fail(str(exc)) from exc
    finally:
        bar.stop()
    speed = (
        f" ({result.rendered / max(result.seconds, 1e-9):,.0f} lists/s)" if result.rendered else ""
    )
    console.print(
        f"run {result.run_id}: {result.lists:,} lists in {result.folder / 'lists'}; "
        f"{result.rendered:,} rendered now, {result.already_done:,} already there; "
        f"{result.seconds:.1f} s{speed}",
        soft_wrap=True,
        markup=False,
    )
    shown = result.print_files if len(result.print_files) <= 5 else result.print_files[:3]
    for path in shown:
        console.print(f"print file: {path}", soft_wrap=True, markup=False)
    if len(shown) < len(result.print_files):
        console.print(
            f"... {len(result.print_files):,} print files in all (one per store) in "
            f"{result.print_files[0].parent}",
            soft_wrap=True,
            markup=False,
        )

"""Commands for deals: load deal files, list what is on file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from offers.cli.app import connect_or_exit, console, deals_app, fail, parse_date
from offers.cli.load import load_files

SCOPE_SHOWN = 60
"""Characters of a deal's scope shown in the list (a coupon may cover hundreds of ids)."""


@deals_app.command("load")
def deals_load(
    files: Annotated[list[Path], typer.Argument(help="Deal files: CSV, Parquet or TOML.")],
) -> None:
    """Load deal files (columns in `offers.deals`); checked and quarantined like scans.

    A deal loaded again from a new file takes the new terms; the same file twice adds
    nothing. Exit code 0 when deals loaded, 1 when none could be, 2 when a file could not
    be read at all.
    """
    load_files("deals", files)


@deals_app.command("list")
def deals_list(
    on: Annotated[str | None, typer.Option("--on", help="Only deals running on this date.")] = None,
) -> None:
    """The deals on file: scope, offer, funding, cap, dates and target."""
    from offers.deals import deals, offer_text

    con = connect_or_exit()
    found = deals(con, parse_date(on, "--on") if on else None)
    if found.is_empty():
        console.print("no deals on file" + (f" running on {on}" if on else ""))
        return
    table = Table(title=f"{found.height} deal(s)" + (f" running on {on}" if on else ""))
    table.add_column("deal: what it covers", overflow="fold", ratio=3)
    table.add_column("offer", overflow="fold", ratio=2)
    table.add_column("funding / cap", justify="right", overflow="fold", ratio=1)
    table.add_column("valid", overflow="fold", ratio=1)
    table.add_column("target", overflow="fold", ratio=1)
    for deal in found.iter_rows(named=True):
        offer = offer_text(
            deal["offer_kind"],
            float(deal["offer_value"]) if deal["offer_value"] is not None else None,
            deal["buy_x"],
            deal["get_y"],
        )
        if deal["limit_per_household"] > 1:
            offer += f", limit {deal['limit_per_household']}"
        target = deal["target_kind"]
        if deal["target_segment"]:
            target += f": {deal['target_segment']}" + (
                f" {deal['target_usage']}" if deal["target_usage"] else ""
            )
        scope = f"{deal['scope_kind']} {deal['scope_value']}"
        if len(scope) > SCOPE_SHOWN:
            scope = scope[: SCOPE_SHOWN - 1] + "…"
        cap = deal["budget_cap"]
        table.add_row(
            f"{deal['deal_id']}\n{deal['description'] or ''}\n{scope}",
            offer,
            f"${deal['funding_per_redemption']:.2f} / "
            + (f"${cap:,.0f}" if cap is not None else "no cap"),
            f"{deal['valid_from']}\nto {deal['valid_to']}",
            target,
        )
    console.print(table)


@deals_app.command("from-campaigns")
def deals_from_campaigns(
    as_of: Annotated[str, typer.Option("--as-of", help="First day of the list window.")],
    out: Annotated[Path, typer.Option(help="Deal file (CSV) to write.")],
    days: Annotated[int, typer.Option(help="Days in the list window.")] = 14,
) -> None:
    """Write a deal file made from the imported Complete Journey coupon campaigns that run
    in the window (one deal per campaign x coupon); load it with `offers deals load`."""
    from offers.completejourney import coupon_deals

    day = parse_date(as_of, "--as-of")
    con = connect_or_exit()
    made = coupon_deals(con, day, days)
    if made.is_empty():
        raise fail(
            f"no coupon campaign runs between {day} and {days} days later "
            "(offers import completejourney brings them in)",
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    made.write_csv(partial)
    partial.replace(out)
    console.print(f"wrote {made.height:,} deals to {out}")

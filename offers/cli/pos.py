"""Commands for the checkout: serve the lanes, publish a run's lists to them, bring their
sales back, lane keys, and the staff's own lookup and replay."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from offers.cli.app import app, connect_or_exit, console, errors, fail, parse_date, warehouse_path

pos_app = typer.Typer(
    help="The checkout's live ledger: publish lists, lane keys, sync sales back.",
    no_args_is_help=True,
)
key_app = typer.Typer(help="Lane keys: each acts for one store.", no_args_is_help=True)
app.add_typer(pos_app, name="pos")
pos_app.add_typer(key_app, name="key")

LedgerOption = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        envvar="OFFERS_LEDGER",
        show_envvar=True,
        help="The live ledger (default: beside the warehouse, <name>.ledger.sqlite).",
    ),
]


def _ledger_path(ledger: Path | None) -> Path:
    from offers.pos.ledger import default_path

    return ledger or default_path(warehouse_path())


def _open(ledger: Path | None, must_exist: bool = False) -> sqlite3.Connection:
    """The ledger, made when missing unless `must_exist` (reading or syncing an empty
    ledger made on the spot would only report nothing)."""
    from offers.pos.ledger import LedgerError, open_ledger

    path = _ledger_path(ledger)
    if must_exist and not path.exists():
        raise fail(
            f"no ledger at {path}: publish a run to it first (offers pos publish RUN),"
            " or name it with --ledger",
            2,
        )
    try:
        return open_ledger(path)
    except LedgerError as exc:
        raise fail(str(exc), 2) from exc


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8080,
    workers: Annotated[int, typer.Option(min=1, help="Service processes.")] = 1,
    ledger: LedgerOption = None,
) -> None:
    """Serve the lanes: lookup, transactions, voids (OpenAPI at /openapi.json, /docs).
    Runs until stopped (Ctrl-C)."""
    import uvicorn

    from offers.pos.server import LEDGER_ENV_VAR

    path = _ledger_path(ledger)
    _open(path).close()
    os.environ[LEDGER_ENV_VAR] = str(path.resolve())
    console.print(f"serving the ledger {path} on http://{host}:{port} ({workers} process(es))")
    uvicorn.run(
        "offers.pos.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )


@pos_app.command("publish")
def publish_command(
    run: Annotated[str, typer.Argument(help="The run id, e.g. 2017-12-31-seed1.")],
    ledger: LedgerOption = None,
) -> None:
    """Put a run's lists into the live ledger so the lanes redeem them. Safe to run again
    (it changes nothing) and while the service is serving."""
    from offers.pos.publish import publish
    from offers.runs import RunNotFoundError

    con = connect_or_exit()
    target = _open(ledger)
    bar = Progress(
        TextColumn("publishing lists"), BarColumn(), MofNCompleteColumn(), console=errors,
        transient=True,
    )  # fmt: skip
    with bar:
        task = bar.add_task("publish", total=None)
        try:
            done = publish(
                con, target, run, lambda n, total: bar.update(task, completed=n, total=total)
            )
        except RunNotFoundError as exc:
            raise fail(str(exc)) from exc
    console.print(
        f"published run {done.run_id}: {done.lists:,} lists, {done.offers:,} offers,"
        f" {done.deal_products:,} products in deal scopes, {done.cards:,} cards"
        f" -> {_ledger_path(ledger)}"
    )


@pos_app.command("sync")
def sync_command(ledger: LedgerOption = None) -> None:
    """Bring the lanes' sales, returns and redemptions into the warehouse (run before the
    next plan). Only what is new is added."""
    from offers.pos.sync import sync

    con = connect_or_exit()
    path = _ledger_path(ledger)
    done = sync(con, _open(ledger, must_exist=True), path)
    console.print(
        f"synced {done.sales:,} sales and {done.voids:,} voids: {done.scan_lines:,} scan lines,"
        f" {done.redemptions:,} redemption entries (${done.discount:,.2f} off) from {path}"
    )


@key_app.command("add")
def key_add(
    store: Annotated[int, typer.Option(help="The store the key acts for.")],
    lane: Annotated[str | None, typer.Option(help="A lane name, for the audit log.")] = None,
    ledger: LedgerOption = None,
) -> None:
    """Make a lane key for a store and print it (once: only its hash is kept)."""
    from offers.pos.ledger import add_key

    print(add_key(_open(ledger), store, lane))


@key_app.command("revoke")
def key_revoke(
    store: Annotated[int, typer.Option(help="Refuse every key of this store.")],
    ledger: LedgerOption = None,
) -> None:
    """Refuse a store's keys from now on."""
    from offers.pos.ledger import revoke_keys

    console.print(f"revoked {revoke_keys(_open(ledger), store)} key(s) of store {store}")


@pos_app.command("lookup")
def lookup_command(
    code: Annotated[str, typer.Argument(help="A list barcode, offer barcode or card number.")],
    day: Annotated[str | None, typer.Option(help="The day (default today).")] = None,
    ledger: LedgerOption = None,
) -> None:
    """What a code opens at the lane: the list and each offer's remaining redemptions."""
    from offers.pos.checkout import CheckoutError, lookup
    from offers.pos.ledger import STAFF

    on = parse_date(day, "--day") if day else dt.date.today()
    try:
        found = lookup(_open(ledger, must_exist=True), STAFF, code, on)
    except CheckoutError as exc:
        raise fail(str(exc)) from exc
    table = Table(
        title=f"list {found.list_id} (store {found.store_id}), {found.valid_from} to"
        f" {found.valid_to}, on {found.day}"
    )
    for heading in ("line", "item", "offer", "deal", "left", "window"):
        table.add_column(heading, justify="right" if heading in ("line", "left") else "left")
    for offer in found.offers:
        table.add_row(
            str(offer.line_number),
            offer.item,
            offer.offer,
            offer.deal_id,
            f"{offer.remaining}/{offer.limit_per_household}",
            f"{offer.valid_from} to {offer.valid_to}" + ("" if offer.live else " (not live)"),
        )
    console.print(table)


@pos_app.command("replay")
def replay_command(
    file: Annotated[Path, typer.Argument(help="JSON lines: one transaction per line.")],
    ledger: LedgerOption = None,
) -> None:
    """Apply a lane's stored transactions (store-and-forward), each as of its own time.
    Those applied before change nothing; refused lines are written to FILE.rejected.jsonl
    with the reason. Exit code 1 when any line was refused."""
    from offers.pos.checkout import CheckoutError, is_applied, transact
    from offers.pos.ledger import Lane
    from offers.pos.messages import TransactionIn

    try:
        lines = file.read_text().splitlines()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}", 2) from exc
    con = _open(ledger, must_exist=True)
    staff = Lane(None, "", f"cli replay {file.name}", staff=True)
    counts = {"applied": 0, "already applied": 0, "refused": 0}
    rejected: list[str] = []
    bar = Progress(
        TextColumn(f"replaying {file.name}"), BarColumn(), MofNCompleteColumn(),
        console=errors, transient=True,
    )  # fmt: skip
    with bar:
        task = bar.add_task("replay", total=len(lines))
        for number, text in enumerate(lines, start=1):
            bar.update(task, completed=number)
            if not text.strip():
                continue
            try:
                request = TransactionIn.model_validate_json(text)
                seen = is_applied(con, request.store_id, request.transaction_id)
                transact(con, staff, request)
                counts["already applied" if seen else "applied"] += 1
            except (ValidationError, CheckoutError) as exc:
                reason = _reason(exc)
                errors.print(f"{file}:{number}: {reason}", markup=False, soft_wrap=True)
                rejected.append(json.dumps({"line": number, "reason": reason, "text": text}))
                counts["refused"] += 1
    if rejected:
        out = file.with_name(file.name + ".rejected.jsonl")
        out.write_text("\n".join(rejected) + "\n")
        errors.print(f"refused lines kept in {out}", markup=False)
    console.print(", ".join(f"{label} {count:,}" for label, count in counts.items()))
    if counts["refused"]:
        raise typer.Exit(1)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            ".".join(str(step) for step in error["loc"]) + f": {error['msg']}"
            for error in exc.errors()
        )
    return str(exc)

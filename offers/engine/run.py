"""A list cycle: plan it (eligible households -> arms -> candidates -> lines) and store it.

`plan` is the engine's entry point. A run is identified by its as-of day and seed: planning
the same day with the same seed again returns the stored run and adds nothing (unless asked
to replace it), and the same warehouse, settings and seed give the same run, line by line.
Everything a run writes (plan_run, run_household, shopping_list, list_line) is written in
one transaction, so an interrupted plan leaves nothing half-written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from offers.config import Settings
from offers.deals import deal_items
from offers.engine.candidates import needs, offer_candidates, reminder_candidates
from offers.engine.choose import choose_lines
from offers.engine.holdout import draw_arms
from offers.segments import TIERS, brand_segments, value_tiers
from offers.warehouse import registered, rows, value

LIST_ID_BASE = 100_000_000
"""list_id = run_number x LIST_ID_BASE + the list's number in the run (1, 2, ... by
household id): unique across runs, and a run's lists are easy to tell apart."""

Stage = Callable[[str], None]
"""Called with the name of each stage of a plan as it starts."""

_CAPS_LEFT = """
SELECT
    d.deal_id,
    d.budget_cap - coalesce(sum(l.p_redeem * l.face_value), 0) AS cap_left
FROM deal AS d
LEFT JOIN list_line AS l ON l.deal_id = d.deal_id
    AND l.list_id NOT IN (SELECT list_id FROM shopping_list WHERE run_id = $run_id)
WHERE d.budget_cap IS NOT NULL
GROUP BY d.deal_id, d.budget_cap
"""

_DELETE_RUN = (
    "DELETE FROM list_line WHERE list_id IN "
    "(SELECT list_id FROM shopping_list WHERE run_id = $run_id)",
    "DELETE FROM shopping_list WHERE run_id = $run_id",
    "DELETE FROM run_household WHERE run_id = $run_id",
    "DELETE FROM plan_run WHERE run_id = $run_id",
)

_INSERT_RUN = """
INSERT INTO plan_run VALUES (
    $run_id, $run_number, $as_of, $valid_from, $valid_to, $seed, $settings,
    current_timestamp, $eligible, $treated, $holdout
)
"""


class PlanError(Exception):
    """A run cannot be planned (e.g. no deal runs in the window); the message says why."""


@dataclass(frozen=True)
class PlanResult:
    """What `plan` did: the run's id, whether it was made now (False: it already existed),
    and its household counts."""

    run_id: str
    created: bool
    households_eligible: int
    households_treated: int
    households_holdout: int
    lists: int
    lines: int


def run_id_for(as_of: dt.date, seed: int) -> str:
    """A run's id: its as-of day and seed, e.g. '2017-07-01-seed1'."""
    return f"{as_of.isoformat()}-seed{seed}"


def plan(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    settings: Settings | None = None,
    *,
    seed: int | None = None,
    replace: bool = False,
    on_stage: Stage | None = None,
) -> PlanResult:
    """Plan the list cycle starting on `as_of` (offers valid for settings.plan.cadence_days)
    and store it; `seed` defaults to settings.plan.seed. Returns the stored run when one
    exists for the day and seed, unless `replace`.

    Input: the warehouse's scans, products, households and deals. Output, in the
    warehouse: plan_run, run_household (every eligible household and its arm),
    shopping_list (a treated household with at least one line), list_line.
    """
    settings = settings or Settings()
    rules = settings.plan
    seed = rules.seed if seed is None else seed
    run_id = run_id_for(as_of, seed)
    stage = on_stage or (lambda _: None)
    if not replace and rows(con, "SELECT 1 FROM plan_run WHERE run_id = $r", {"r": run_id}):
        return _stored(con, run_id)
    if len(rules.tier_budgets) != len(TIERS):
        raise PlanError("tier_budgets must give one budget per tier (A, B, C, D)")
    window_days = rules.cadence_days
    last_day = as_of + dt.timedelta(days=window_days - 1)

    stage("households")
    tiers = value_tiers(con, as_of, settings.households)
    eligible = draw_arms(
        tiers.filter(pl.col("eligible")).select("household_id", "tier"),
        seed,
        rules.holdout_share,
    )
    treated = eligible.filter(pl.col("arm") == "treated")
    stage("deals")
    items = deal_items(con, as_of, window_days)
    if items.is_empty():
        raise PlanError(
            f"no deal runs between {as_of} and {last_day}: load a deal file first "
            "(offers deals load FILE)"
        )
    stage("purchase cycles")
    item_need, category_need = needs(con, as_of, window_days, settings.cycles)
    stage("segments")
    segments = brand_segments(con, as_of, settings.segments)
    stage("candidates")
    offers = offer_candidates(
        con, treated, item_need, category_need, segments, items, window_days, rules
    )
    reminders = reminder_candidates(con, treated, item_need, segments, window_days, rules)
    stage("choosing")
    budget_of = dict(zip(TIERS, rules.tier_budgets, strict=True))
    budgets = {int(h): budget_of[str(t)] for h, t in treated.select("household_id", "tier").rows()}
    caps: dict[str, float | None] = {
        str(deal): float(left) for deal, left in rows(con, _CAPS_LEFT, {"run_id": run_id})
    }
    lines = choose_lines(
        offers,
        reminders,
        budgets,
        caps,
        max_lines=rules.max_lines,
        max_discovery_lines=rules.max_discovery_lines,
        window=(as_of, last_day),
    )
    stage("writing")
    return _write(con, run_id, as_of, last_day, seed, settings, eligible, lines)


def _write(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    as_of: dt.date,
    last_day: dt.date,
    seed: int,
    settings: Settings,
    eligible: pl.DataFrame,
    lines: pl.DataFrame,
) -> PlanResult:
    counts = eligible.group_by("arm").len()
    by_arm = dict(counts.rows())
    con.execute("BEGIN TRANSACTION")
    try:
        existing = rows(con, "SELECT run_number FROM plan_run WHERE run_id = $r", {"r": run_id})
        for statement in _DELETE_RUN:
            con.execute(statement, {"run_id": run_id})
        run_number = (
            int(existing[0][0])
            if existing
            else int(value(con, "SELECT coalesce(max(run_number), 0) + 1 FROM plan_run"))
        )
        con.execute(
            _INSERT_RUN,
            {
                "run_id": run_id,
                "run_number": run_number,
                "as_of": as_of,
                "valid_from": as_of,
                "valid_to": last_day,
                "seed": seed,
                "settings": json.dumps(dataclasses.asdict(settings), default=str, sort_keys=True),
                "eligible": eligible.height,
                "treated": by_arm.get("treated", 0),
                "holdout": by_arm.get("holdout", 0),
            },
        )
        households = eligible.select(pl.lit(run_id).alias("run_id"), "household_id", "tier", "arm")
        numbered = (
            lines.select("household_id")
            .unique()
            .sort("household_id")
            .with_row_index("number", offset=1)
            .select(
                "household_id",
                list_id=pl.lit(run_number, pl.Int64) * LIST_ID_BASE + pl.col("number"),
            )
        )
        lists = numbered.join(
            lines.group_by("household_id").agg(face_value=pl.col("face_value").sum()),
            on="household_id",
        ).select("list_id", pl.lit(run_id).alias("run_id"), "household_id", "face_value")
        stored_lines = lines.join(numbered, on="household_id").select(
            "list_id", "line_number", "product_id", "category", "brand_segment", "usage",
            "deal_id", "reason", "discount",
            "face_value", "p_redeem", "expected_value", "expected_date", "valid_from", "valid_to",
        )  # fmt: skip
        for table, relation in (
            ("run_household", households),
            ("shopping_list", lists),
            ("list_line", stored_lines),
        ):
            with registered(con, {"offers_run_rows": relation}):
                con.execute(f"INSERT INTO {table} SELECT * FROM offers_run_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return dataclasses.replace(_stored(con, run_id), created=True)


_STORED = """
SELECT
    r.households_eligible, r.households_treated, r.households_holdout,
    (SELECT count(*) FROM shopping_list AS s WHERE s.run_id = r.run_id),
    (SELECT count(*) FROM list_line AS l
        JOIN shopping_list AS s ON s.list_id = l.list_id WHERE s.run_id = r.run_id)
FROM plan_run AS r
WHERE r.run_id = $run_id
"""


def _stored(con: duckdb.DuckDBPyConnection, run_id: str) -> PlanResult:
    eligible, treated, holdout, lists, lines = rows(con, _STORED, {"run_id": run_id})[0]
    return PlanResult(
        run_id, False, int(eligible), int(treated), int(holdout), int(lists), int(lines)
    )

"""A run's summary for the marketing team: who gets what, and what it will cost.

`summarise` reads a stored run (offers.engine) into tables; `write_summary` renders them
as HTML from the jinja2 template `run_summary.html.j2` (a store's own copy in
./templates/ wins over the one shipped in offers/templates/), with PNG charts beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from offers import charts
from offers.runs import stored_run
from offers.segments import TIERS
from offers.templating import environment
from offers.warehouse import frame

_BY_TIER_SQL = resources.files("offers").joinpath("sql/runs/by_tier.sql").read_text()
_BY_DEAL_SQL = resources.files("offers").joinpath("sql/runs/by_deal.sql").read_text()

# Lines by why they were chosen; a 'due' line without a deal is a reminder.
_BY_REASON_SQL = """
SELECT
    CASE WHEN l.deal_id IS NULL THEN 'reminder (no offer)' ELSE l.reason END AS reason,
    count(*) AS lines,
    CAST(sum(l.face_value) AS DOUBLE) AS face_value,
    sum(l.p_redeem) AS expected_redemptions
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
WHERE s.run_id = $run_id
GROUP BY 1
ORDER BY lines DESC
"""

# Households offered a conversion deal, by their cell in the deal's category.
_CONVERSION_CELLS_SQL = """
SELECT l.deal_id, l.brand_segment, l.usage, count(DISTINCT s.household_id) AS households,
    avg(CAST(l.discount AS DOUBLE)) AS average_discount
FROM list_line AS l
JOIN shopping_list AS s ON s.list_id = l.list_id
WHERE s.run_id = $run_id AND l.reason = 'conversion'
GROUP BY ALL
ORDER BY l.deal_id, l.brand_segment, l.usage
"""


@dataclass(frozen=True)
class RunSummary:
    """A run's figures. run: its plan_run row; by_tier, by_deal: see offers/sql/runs/;
    by_reason: reason, lines, face_value, expected_redemptions; conversion_cells:
    deal_id, brand_segment, usage, households, average_discount (dollars)."""

    run: dict[str, object]
    budgets: dict[str, float]
    by_tier: pl.DataFrame
    by_deal: pl.DataFrame
    by_reason: pl.DataFrame
    conversion_cells: pl.DataFrame


def summarise(con: duckdb.DuckDBPyConnection, run_id: str) -> RunSummary:
    """The stored run's figures. Raises RunNotFoundError for an unknown run id."""
    run = stored_run(con, run_id)
    settings = json.loads(str(run["settings"]))
    budgets = dict(zip(TIERS, settings["plan"]["tier_budgets"], strict=True))
    params: dict[str, object] = {"run_id": run_id}
    return RunSummary(
        run=run,
        budgets=budgets,
        by_tier=frame(con, _BY_TIER_SQL, params),
        by_deal=frame(con, _BY_DEAL_SQL, params),
        by_reason=frame(con, _BY_REASON_SQL, params),
        conversion_cells=frame(con, _CONVERSION_CELLS_SQL, params),
    )


def write_summary(summary: RunSummary, folder: Path) -> Path:
    """Write `folder`/summary.html and its charts (PNG) beside it; returns the HTML path.
    The HTML is written to a temporary name and renamed, so it is never half-written."""
    folder.mkdir(parents=True, exist_ok=True)
    pictures: dict[str, str] = {}
    if not summary.by_deal.is_empty():
        charts.deal_budget_chart(summary.by_deal, folder / "deals.png")
        pictures["deals"] = "deals.png"
    if not summary.by_tier.is_empty():
        charts.tier_face_chart(summary.by_tier, summary.budgets, folder / "tiers.png")
        pictures["tiers"] = "tiers.png"
    if not summary.conversion_cells.is_empty():
        cells = summary.conversion_cells.group_by("brand_segment", "usage").agg(
            households=pl.col("households").sum()
        )
        charts.cell_heatmap(
            cells, "Conversion offers by the household's cell", folder / "conversion.png"
        )
        pictures["conversion"] = "conversion.png"
    html = (
        environment()
        .get_template("run_summary.html.j2")
        .render(
            run=summary.run,
            budgets=summary.budgets,
            by_tier=summary.by_tier.to_dicts(),
            by_deal=summary.by_deal.to_dicts(),
            by_reason=summary.by_reason.to_dicts(),
            conversion_cells=summary.conversion_cells.to_dicts(),
            pictures=pictures,
            written=dt.datetime.now().replace(microsecond=0),
        )
    )
    path = folder / "summary.html"
    partial = path.with_name(path.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path

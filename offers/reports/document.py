"""A manufacturer's report as files: a PDF (reportlab) whose first page a category
manager reads in a minute, and every table as CSV and Parquet.

Input: `VendorReport` (already anonymous: no household named, nothing below k). Output,
in the folder given: report.pdf, and cells, migration, deals, deal_cells, lift each as
.csv and .parquet. Files are written under temporary names and renamed when whole.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import polars as pl
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from offers.reports.vendor import ALL, ALL_DEALS, VendorReport

TABLES = ("cells", "migration", "deals", "deal_cells", "lift")
SUPPRESSED = "-"
"""What a suppressed figure prints as."""


def write_report(report: VendorReport, folder: Path) -> list[Path]:
    """Write the report's PDF and tables into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        table: pl.DataFrame = getattr(report, name)
        for suffix in ("csv", "parquet"):
            path = folder / f"{name}.{suffix}"
            part = path.with_name(path.name + ".part")
            if suffix == "csv":
                table.write_csv(part)
            else:
                table.write_parquet(part)
            part.replace(path)
            written.append(path)
    pdf = folder / "report.pdf"
    part = pdf.with_name("report.pdf.part")
    with tempfile.TemporaryDirectory() as scratch:
        _pdf(report, part, Path(scratch))
    part.replace(pdf)
    return [pdf, *written]


def headline(report: VendorReport) -> dict[str, str]:
    """The first page's three numbers, in words (a suppressed one says so)."""
    k = report.min_households
    pooled = report.lift.filter(pl.col("deal_id") == ALL_DEALS)
    if pooled.is_empty() or pooled["spend_lift"][0] is None:
        lift = f"not shown: fewer than {k} households in an arm"
    else:
        row = pooled.row(0, named=True)
        lift = (
            f"{_dollars(row['spend_lift'])} per household (95 % interval "
            f"{_dollars(row['spend_low'])} to {_dollars(row['spend_high'])}; "
            f"{row['treated']:,} treated, {row['holdout']:,} holdout households)"
        )
    deals = report.deals.filter(pl.col("redeemers").is_not_null())
    if deals.is_empty():
        redeemed = f"not shown: fewer than {k} redeeming households"
    else:
        redeemers = int(deals["redeemers"].sum())
        carrying = int(deals["households"].sum())
        redeemed = (
            f"{int(deals['redemptions'].sum()):,} redemptions by {redeemers:,} households: "
            f"{redeemers / carrying:.0%} of the {carrying:,} whose lists carried your offers"
        )
    grand = report.cells.filter((pl.col("brand_segment") == ALL) & (pl.col("usage") == ALL))
    shown = grand.filter(pl.col("spend").is_not_null())
    if shown.is_empty():
        share = f"not shown: fewer than {k} households"
    else:
        share = (
            f"{float(shown['manufacturer_spend'].sum()) / float(shown['spend'].sum()):.1%}"
            " of the spend of "
            f"{shown['households'].sum():,} segmented households in "
            f"{', '.join(report.categories)}"
        )
    return {
        "Incremental spend on your deals' items, lists against holdout": lift,
        "Redemptions": redeemed,
        "Your share of your categories": share,
    }


def _dollars(value: float) -> str:
    """Signed dollars: +$0.14, -$0.05."""
    return f"{'+' if value >= 0 else '-'}${abs(value):,.2f}"


def _pdf(report: VendorReport, path: Path, scratch: Path) -> None:
    styles = getSampleStyleSheet()
    story: list[object] = [
        Paragraph(
            f"Manufacturer {report.manufacturer_id}: your offers and categories", styles["Title"]
        ),
        Paragraph(
            f"{report.first_day:%B %d, %Y} to {report.last_day:%B %d, %Y}. Every figure rests "
            f"on at least {report.min_households} households; smaller ones, and those that "
            f"totals would reveal, print as {SUPPRESSED}. No household is named.",
            styles["Normal"],
        ),
        Spacer(1, 0.2 * inch),
    ]  # fmt: skip
    for label, words in headline(report).items():
        story += [
            Paragraph(f"<b>{label}</b>", styles["Heading3"]),
            Paragraph(words, styles["Normal"]),
        ]
    chart = _lift_chart(report.lift, scratch / "lift.png")
    if chart is not None:
        story += [Spacer(1, 0.2 * inch), Image(str(chart), width=6.5 * inch, height=3 * inch)]
    story.append(PageBreak())
    for category in report.categories:
        cells = report.cells.filter(pl.col("category") == category)
        story += [
            Paragraph(f"{category}: buyers by brand loyalty and usage", styles["Heading2"]),
            _table(cells.drop("category"), styles),
            Spacer(1, 0.15 * inch),
            Paragraph(f"{category}: movement between segments", styles["Heading3"]),
            _table(
                report.migration.filter(pl.col("category") == category).drop("category"), styles
            ),
        ]  # fmt: skip
    story += [
        PageBreak(),
        Paragraph("Your deals", styles["Heading2"]),
        _table(report.deals.drop("description"), styles),
        Spacer(1, 0.15 * inch),
        Paragraph("Reach by cell", styles["Heading3"]),
        _table(report.deal_cells, styles),
        Spacer(1, 0.15 * inch),
        Paragraph("Incremental effect per household, lists against holdout", styles["Heading3"]),
        _table(report.lift, styles),
    ]
    SimpleDocTemplate(
        str(path), pagesize=letter, title=f"Manufacturer {report.manufacturer_id} report",
        leftMargin=0.6 * inch, rightMargin=0.6 * inch,
    ).build(story)  # fmt: skip


def _table(frame: pl.DataFrame, styles: object) -> Table:
    header = [name.replace("_", " ") for name in frame.columns]
    body = [[_cell(value) for value in row] for row in frame.iter_rows()]
    table = Table([header, *body], repeatRows=1)
    table.setStyle(
        TableStyle([
            ("FONTSIZE", (0, 0), (-1, -1), 7),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ])
    )  # fmt: skip
    return table


def _cell(value: object) -> str:
    if value is None:
        return SUPPRESSED
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _lift_chart(lift: pl.DataFrame, path: Path) -> Path | None:
    """Spend lift per household with its interval, per deal (shown ones only)."""
    shown = lift.filter(pl.col("spend_lift").is_not_null())
    if shown.is_empty():
        return None
    figure, axes = plt.subplots(figsize=(6.5, 3), dpi=150)
    names = shown["deal_id"].to_list()
    middle = shown["spend_lift"].to_numpy()
    errors = [middle - shown["spend_low"].to_numpy(), shown["spend_high"].to_numpy() - middle]
    axes.barh(names, middle, xerr=errors, color="#4c72b0", capsize=4)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_xlabel(
        "dollars per household on the deal's items,\nlists minus holdout (bars: 95 % interval)"
    )
    axes.invert_yaxis()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path

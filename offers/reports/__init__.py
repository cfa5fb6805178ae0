"""Anonymised manufacturer reports: what a vendor's funded offers did and how its
categories look, by brand segment x usage cell, with no household named and no figure
resting on fewer than k households (suppression.py); and, when the store turns it on, a
row-level extract under pseudonyms new to each extract (extract.py).

    report = vendor_report(con, manufacturer_id=101, first_day=start, last_day=end)
    write_report(report, Path("reports/101"))
"""

from offers.reports.document import write_report
from offers.reports.extract import Extract, ExtractError, row_extract, write_extract
from offers.reports.vendor import ReportError, VendorReport, vendor_report

__all__ = [
    "Extract",
    "ExtractError",
    "ReportError",
    "VendorReport",
    "row_extract",
    "vendor_report",
    "write_extract",
    "write_report",
]

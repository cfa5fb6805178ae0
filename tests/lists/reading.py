"""Reading rendered lists back as a shopper's printer and a lane's scanner would: text
extracted from the PDF (pypdfium2) and barcodes decoded from the rasterised page
(zxing-cpp), never from our own drawing code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import zxingcpp

SCALE = 3.0
"""Rasterise at 216 dpi: below what an office printer prints at."""


def page_texts(path: Path) -> list[str]:
    """The text of each page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def page_barcodes(path: Path, pages: list[int] | None = None) -> list[list[tuple[str, str]]]:
    """(format, text) of each barcode found on each page (or on `pages`)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        found = []
        for i in pages if pages is not None else range(len(pdf)):
            image = pdf[i].render(scale=SCALE, grayscale=True).to_pil()
            found.append([(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)])
        return found
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    with pikepdf.Pdf.open(path) as pdf:
        return len(pdf.pages)


def embedded_fonts(path: Path) -> dict[str, bool]:
    """Base font name -> whether its font program is embedded, over every page."""
    fonts: dict[str, bool] = {}
    with pikepdf.Pdf.open(path) as pdf:
        for page in pdf.pages:
            resources: Any = page.obj.get("/Resources", {})
            for font in resources.get("/Font", {}).values():
                name = str(font.get("/BaseFont"))
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                fonts[name] = fonts.get(name, False) or embedded
    return fonts

"""One household's list drawn as PDF pages with reportlab.

Layout, top to bottom: the store's name, the household's name and the list's valid dates,
with the list barcode (Code 128) at the right and the loyalty card number beneath it; a
band with the total face value of the offers; the lines grouped by department in
store-walk order, each with a tick box, the item, the offer, its valid window and the
offer's own barcode; the non-price reward and the fine print at the foot. Lines that do
not fit continue on a second page. Every word comes from the wording template.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from offers.lists.code128 import draw_code128
from offers.lists.documents import Line, ListDocument
from offers.lists.fonts import Fonts
from offers.lists.wording import Wording

PAGE_SIZES = {"letter": letter, "a4": A4}
"""Paper sizes by their [lists] page_size name, in points (1/72 inch)."""

MARGIN = 36.0
LIST_BAR_WIDTH = 1.2
"""Points per narrow bar of the list barcode (0.42 mm): reads at the lane and when printed
on an office printer."""
LIST_BAR_HEIGHT = 42.0
OFFER_BAR_WIDTH = 1.0
OFFER_BAR_HEIGHT = 20.0
DEPARTMENT_HEIGHT = 17.0
LINE_HEIGHT = 28.0
FOOT_HEIGHT = 86.0
"""Room kept at the foot of the last page for the reward and the fine print."""
GREY = 0.4
BAND_GREY = 0.92


class PageSizeError(ValueError):
    """An unknown page size name."""


def page_size(name: str) -> tuple[float, float]:
    """(width, height) in points for 'letter' or 'a4'."""
    try:
        width, height = PAGE_SIZES[name.lower()]
    except KeyError:
        raise PageSizeError(
            f"page size '{name}' is not one of {', '.join(PAGE_SIZES)} ([lists] page_size)"
        ) from None
    return float(width), float(height)


@dataclass
class Drawn:
    """What was drawn: lists, pieces of text and barcodes (the benchmark's floor draws as
    many)."""

    lists: int = 0
    strings: int = 0
    barcodes: int = 0

    def add(self, other: Drawn) -> None:
        """Count `other` in too."""
        self.lists += other.lists
        self.strings += other.strings
        self.barcodes += other.barcodes


class ListPainter:
    """Draws lists onto a reportlab canvas; one painter serves many lists."""

    def __init__(
        self, wording: Wording, fonts: Fonts, store_name: str, size: tuple[float, float]
    ) -> None:
        self.wording = wording
        self.fonts = fonts
        self.store_name = store_name
        self.width, self.height = size
        self.drawn = Drawn()
        self._words: PDFTextObject | None = None
        self._font = ("", 0.0)
        self._grey = False

    def draw(self, canvas: Canvas, doc: ListDocument) -> None:
        """Draw `doc` as one page (two when its lines do not fit), ending each page."""
        w = self.wording
        y = self._header(canvas, doc)
        for department in doc.departments:
            if y - DEPARTMENT_HEIGHT - LINE_HEIGHT < MARGIN + FOOT_HEIGHT:
                y = self._next_page(canvas, doc)
            y = self._department(canvas, w("department", department.name), y)
            for line in department.lines:
                if y - LINE_HEIGHT < MARGIN + FOOT_HEIGHT:
                    y = self._next_page(canvas, doc)
                y = self._line(canvas, line, y)
        self._foot(canvas, doc)
        self._end_page(canvas)

    def _text(
        self,
        canvas: Canvas,
        x: float,
        y: float,
        text: str,
        size: float,
        bold: bool = False,
        grey: bool = False,
    ) -> None:
        """Write `text` with its left end at (x, y), switching fonts run by run. A page's
        words go into one text object, drawn over the page's shapes when it ends."""
        if self._words is None:
            self._words = canvas.beginText()
            self._font = ("", 0.0)
            self._grey = False
        words = self._words
        if grey != self._grey:
            words.setFillGray(GREY if grey else 0)
            self._grey = grey
        words.setTextOrigin(x, y)
        for name, piece in (self.fonts.bold if bold else self.fonts.regular).runs(text):
            if (name, size) != self._font:
                words.setFont(name, size)
                self._font = (name, size)
            words.textOut(piece)
        self.drawn.strings += 1

    def _end_page(self, canvas: Canvas) -> None:
        if self._words is not None:
            canvas.drawText(self._words)
            self._words = None
        canvas.showPage()

    def _barcode(
        self, canvas: Canvas, payload: str, right: float, bottom: float, bar: float, height: float
    ) -> float:
        """Draw a Code 128 barcode ending (quiet zone included) at `right`; returns its
        left edge."""
        left = draw_code128(canvas, payload, right, bottom, bar, height)
        self.drawn.barcodes += 1
        return left

    def _header(self, canvas: Canvas, doc: ListDocument) -> float:
        w, top, left, right = self.wording, self.height - MARGIN, MARGIN, self.width - MARGIN
        bar_bottom = top - LIST_BAR_HEIGHT
        bar_left = self._barcode(
            canvas, doc.payload, right, bar_bottom, LIST_BAR_WIDTH, LIST_BAR_HEIGHT
        )
        card = w("card", doc)
        centre = (bar_left + right) / 2
        regular = self.fonts.regular
        self._text(canvas, centre - regular.width(card, 9) / 2, bar_bottom - 11, card, 9)
        number = w("list_number", doc)
        canvas.setTitle(f"{self.store_name}: {number}")
        self._text(
            canvas, centre - regular.width(number, 7) / 2, bar_bottom - 20, number, 7, grey=True
        )
        text_width = bar_left - left - 12
        store = self.fonts.bold.fit(w("store", self.store_name, doc), 18, text_width)
        self._text(canvas, left, top - 16, store, 18, bold=True)
        title = regular.fit(w("title", doc), 10, text_width)
        self._text(canvas, left, top - 31, title, 10)
        name = self.fonts.bold.fit(w("greeting", doc), 14, text_width)
        self._text(canvas, left, top - 49, name, 14, bold=True)
        self._text(canvas, left, top - 63, regular.fit(w("valid", doc), 10, text_width), 10)
        band_top = top - 82
        canvas.setFillGray(BAND_GREY)
        canvas.rect(left, band_top - 24, right - left, 24, stroke=0, fill=1)
        canvas.setFillGray(0)
        self._text(canvas, left + 8, band_top - 17, w("savings", doc), 14, bold=True)
        return band_top - 30

    def _next_page(self, canvas: Canvas, doc: ListDocument) -> float:
        self._end_page(canvas)
        top = self.height - MARGIN
        heading = f"{self.wording('greeting', doc)} · {self.wording('list_number', doc)}"
        self._text(canvas, MARGIN, top - 10, heading, 10, bold=True)
        return top - 20

    def _department(self, canvas: Canvas, name: str, y: float) -> float:
        self._text(canvas, MARGIN, y - 13, name, 11, bold=True)
        canvas.setStrokeGray(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, y - 16, self.width - MARGIN, y - 16)
        canvas.setStrokeGray(0)
        return y - DEPARTMENT_HEIGHT

    def _line(self, canvas: Canvas, line: Line, y: float) -> float:
        w, left, right = self.wording, MARGIN, self.width - MARGIN
        canvas.setLineWidth(0.8)
        canvas.rect(left + 2, y - 15, 9, 9, stroke=1, fill=0)
        offer_x = left + (right - left) * 0.42
        barcode_room = 160.0
        item = self.fonts.regular.fit(w("item", line), 10, offer_x - left - 24)
        self._text(canvas, left + 18, y - 14, item, 10)
        window = self.fonts.regular.fit(w("window", line), 7.5, offer_x - left - 24)
        self._text(canvas, left + 18, y - 25, window, 7.5, grey=True)
        offer = w("offer", line)
        if offer:
            fitted = self.fonts.bold.fit(offer, 11, right - barcode_room - offer_x - 6)
            self._text(canvas, offer_x, y - 14, fitted, 11, bold=True)
        if line.payload:
            self._barcode(
                canvas, line.payload, right, y - 2 - OFFER_BAR_HEIGHT, OFFER_BAR_WIDTH,
                OFFER_BAR_HEIGHT,
            )  # fmt: skip
        return y - LINE_HEIGHT

    def _foot(self, canvas: Canvas, doc: ListDocument) -> None:
        w, left, right = self.wording, MARGIN, self.width - MARGIN
        top = MARGIN + FOOT_HEIGHT - 6
        canvas.setStrokeGray(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(left, top, right, top)
        canvas.setStrokeGray(0)
        y = top - 13
        if doc.reward is not None:
            heading = self.fonts.bold.fit(w("reward_heading", doc.reward), 10, right - left)
            self._text(canvas, left, y, heading, 10, bold=True)
            for text in self.fonts.regular.wrap(w("reward_text", doc.reward), 8.5, right - left)[
                :3
            ]:
                y -= 11
                self._text(canvas, left, y, text, 8.5)
        perk = w("perk", doc)
        if perk:
            for text in self.fonts.bold.wrap(perk, 8.5, right - left)[:2]:
                y -= 11
                self._text(canvas, left, y, text, 8.5, bold=True)
        fine_print = self.fonts.regular.wrap(w("footer", doc), 7, right - left)[:2]
        for number, text in enumerate(fine_print):
            self._text(canvas, left, MARGIN - 4 - 8 * number, text, 7, grey=True)
